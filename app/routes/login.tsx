import { useNavigate } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { homeOf } from '../lib/access.ts';
import { signIn } from '../lib/session.ts';

export default function Login() {
  const navigate = useNavigate();
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setError('');
    try {
      const m = await signIn(String(form.get('email') ?? ''), String(form.get('password') ?? ''));
      navigate(homeOf(m.user.role), { replace: true });
    } catch (err) {
      setError((err as Error).message === 'Failed to fetch' ? 'You are offline. Signing in needs the network once.' : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="login">
      <h1>Sign in</h1>
      <form onSubmit={submit} novalidate={false}>
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autocomplete="username" required />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
        <Show when={error()}><p role="alert" class="error">{error()}</p></Show>
        <button type="submit" disabled={busy()}>Sign in</button>
      </form>
    </main>
  );
}

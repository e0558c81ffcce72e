import { useNavigate, useParams } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { send } from '../../lib/api.ts';
import { homeOf } from '../../lib/access.ts';
import { loadMe, type Me } from '../../lib/session.ts';

// A new user's one-time link: choose a password, then straight into the app.
export default function Invite() {
  const params = useParams<{ token: string }>();
  const navigate = useNavigate();
  const [error, setError] = createSignal('');
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const password = String(new FormData(e.currentTarget as HTMLFormElement).get('password') ?? '');
    try {
      const m = await send<Me>('POST', '/api/invitations/accept', { token: params.token, password });
      await loadMe();
      navigate(homeOf(m.user.role), { replace: true });
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <main id="main" class="login">
      <h1>Welcome</h1>
      <form onSubmit={submit}>
        <label for="password">Choose a password (at least 10 characters)</label>
        <input id="password" name="password" type="password" minlength="10" autocomplete="new-password" required />
        <Show when={error()}><p role="alert" class="error">{error()}</p></Show>
        <button type="submit">Set password and sign in</button>
      </form>
    </main>
  );
}

import { useNavigate } from '@solidjs/router';
import { onMount } from 'solid-js';
import { homeOf } from '../lib/access.ts';
import { loadMe } from '../lib/session.ts';

// The app's entry: straight to the signed-in user's face, or to sign-in.
export default function Index() {
  const navigate = useNavigate();
  onMount(async () => {
    const m = await loadMe();
    navigate(m ? homeOf(m.user.role) : '/login', { replace: true });
  });
  return <p class="hint">Opening…</p>;
}

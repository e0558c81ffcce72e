import { A } from '@solidjs/router';

export default function NotFound() {
  return (
    <main id="main" class="login">
      <h1>Page not found</h1>
      <p><A href="/">Go to your home</A></p>
    </main>
  );
}

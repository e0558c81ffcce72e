import { solidStart } from '@solidjs/start/config';
import { defineConfig } from 'vite';

// SPA build: the Worker serves the shell and the API; there is no server rendering.
export default defineConfig({
  plugins: [solidStart({ appRoot: './app', ssr: false })],
  server: { port: 3000 },
});

// @refresh reload
import { createHandler, StartServer } from '@solidjs/start/server';

// Rendered once at build time into dist/client/index.html (scripts/build.mjs): the shell.
export default createHandler(() => (
  <StartServer
    document={({ assets, children, scripts }) => (
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="theme-color" content="#0f766e" />
          <link rel="manifest" href="/manifest.webmanifest" />
          <link rel="icon" href="/icons/icon.svg" type="image/svg+xml" />
          <title>FieldNet</title>
          {assets}
        </head>
        <body>
          <div id="app">{children}</div>
          {scripts}
        </body>
      </html>
    )}
  />
));

import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * Entries (one HTML page each, built side by side in dist/):
 * - booking.html: the public pages (/, /book/*, /manage/*, /waitlist/*, /unsubscribe)
 * - embed.html:   the widget shown in a business's iframe (/embed/*)
 * The server maps its routes to these pages (src/platform/http/web-app.ts); the dev
 * server does the same below, and sends /api to the API on port 3000.
 */
const ENTRIES = {
  booking: fileURLToPath(new URL('booking.html', import.meta.url)),
  embed: fileURLToPath(new URL('embed.html', import.meta.url)),
};

function entryFallback(): Plugin {
  return {
    name: 'reservehub-entry-fallback',
    configureServer(server) {
      server.middlewares.use((request, _response, next) => {
        const url = request.url ?? '/';
        const accepts = request.headers.accept ?? '';
        if (request.method === 'GET' && accepts.includes('text/html') && !url.startsWith('/api/')) {
          request.url = url.startsWith('/embed/') ? '/embed.html' : '/booking.html';
        }
        next();
      });
    },
  };
}

/**
 * The public pages and the widget run on Preact through `preact/compat`: the source is written against
 * React's API (and type-checked with React's types), but a phone downloads ~10 KB of framework instead of
 * react-dom's ~60 KB, which keeps a complete booking under its 100 KB budget. The dashboard, a separate
 * entry, will run on React itself (Mantine needs it) in a build of its own.
 */
const PREACT_COMPAT = [
  { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
  { find: /^react-dom$/, replacement: 'preact/compat' },
  { find: /^react\/jsx-runtime$/, replacement: 'preact/jsx-runtime' },
  { find: /^react\/jsx-dev-runtime$/, replacement: 'preact/jsx-runtime' },
  { find: /^react$/, replacement: fileURLToPath(new URL('src/shared/preact/react.js', import.meta.url)) },
];

export default defineConfig({
  appType: 'mpa',
  plugins: [react(), entryFallback()],
  resolve: { alias: PREACT_COMPAT, dedupe: ['preact'] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rollupOptions: {
      input: ENTRIES,
      // Two shared chunks (libraries; our shared code) instead of one per pair of importers, so a page that
      // loads a lazy screen fetches it alone rather than four slivers that each pay gzip's overhead.
      output: {
        codeSplitting: {
          groups: [
            { name: 'framework', test: /node_modules/ },
            { name: 'shared', test: /\/web\/src\/shared\// },
          ],
        },
      },
    },
  },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});

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

export default defineConfig({
  appType: 'mpa',
  plugins: [react(), entryFallback()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rollupOptions: { input: ENTRIES },
  },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});

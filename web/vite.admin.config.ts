import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { adminPwa } from './vite-admin-pwa.ts';

/**
 * The business dashboard (admin.html → src/admin/main.tsx, served for /admin/*): a build of its own,
 * on React itself (Mantine needs it), so the public entries keep Preact and their 100 KB budget.
 * Built after the public entries into the same dist/ (scripts/build-web.ts), without emptying it.
 * Dev: `npx vite --config vite.admin.config.ts` (from web/) serves /admin/* with /api sent to :3000.
 */
function adminFallback(): Plugin {
  return {
    name: 'reservehub-admin-fallback',
    configureServer(server) {
      server.middlewares.use((request, _response, next) => {
        const url = request.url ?? '/';
        if (request.method === 'GET' && (request.headers.accept ?? '').includes('text/html') && url.startsWith('/admin')) request.url = '/admin.html';
        next();
      });
    },
  };
}

export default defineConfig({
  appType: 'mpa',
  // adminPwa: the installable app's manifest and service worker (dist/admin/), from this build's files.
  plugins: [react(), adminFallback(), adminPwa()],
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    // web/public is copied by the public build already.
    copyPublicDir: false,
    rollupOptions: {
      input: { admin: fileURLToPath(new URL('admin.html', import.meta.url)) },
      output: {
        codeSplitting: {
          groups: [
            // Drag and drop (@dnd-kit) stays out of it: only the calendar needs it, so it loads with the calendar's route.
            { name: 'admin-framework', test: /node_modules\/(?!@dnd-kit\/)/ },
            { name: 'admin-shared', test: /\/web\/src\/shared\// },
          ],
        },
      },
    },
  },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});

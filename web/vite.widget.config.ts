import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The loader a business's site includes (`/widget.js`): one classic script (an IIFE, no imports,
 * no hash in its name, so the snippet never changes), built after the app into the same dist/.
 */
export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    copyPublicDir: false,
    lib: {
      entry: fileURLToPath(new URL('src/widget/loader.ts', import.meta.url)),
      formats: ['iife'],
      name: 'ReserveHubWidget',
      fileName: () => 'widget.js',
    },
  },
});

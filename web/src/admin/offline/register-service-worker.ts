/**
 * Registers the dashboard's service worker (/admin/sw.js, written by the admin build: see
 * web/vite-admin-pwa.ts) in builds only — in Vite's dev server there is no sw.js and a cached shell
 * would fight hot reload — and only after the page has loaded, so installing it never competes with
 * the first screen for the network. Its scope is /admin/: the platform console and the public pages
 * are not controlled by it. The build's mode decides, not `import.meta.env.PROD`: that follows
 * NODE_ENV, which a test run sets to `test` when it builds the app.
 */
export function registerServiceWorker(): void {
  if (import.meta.env.MODE !== 'production' || !('serviceWorker' in navigator) || !location.pathname.startsWith('/admin/')) return;
  // Without a worker the dashboard still works online; there is nothing better to do with a refusal.
  const register = () => void navigator.serviceWorker.register('/admin/sw.js', { scope: '/admin/' }).catch(() => undefined);
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}

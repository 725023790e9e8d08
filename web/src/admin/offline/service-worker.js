/**
 * The dashboard's service worker, served at /admin/sw.js (scope /admin/). The admin build
 * (web/vite-admin-pwa.ts) writes it with two constants set above this text:
 *   VERSION  — a hash of everything precached, so each deploy that changes the dashboard is a new worker;
 *   PRECACHE — the shell's URLs: /admin/ (admin.html), the build's hashed JS and CSS, the manifest and icons.
 *
 * What it does:
 * - install: stores the shell in a cache named for VERSION, then takes over at once (skipWaiting);
 * - activate: deletes the caches of earlier versions and controls open pages (clients.claim);
 * - navigations in /admin/: the network first, the cached shell when the network fails (offline);
 * - the shell's own files: from the cache (their names carry their content hash);
 * - everything else, /api/ above all, is not touched: it goes to the network and is never stored,
 *   so a booking is never shown from a copy — offline, API calls fail and the screens say so;
 * - push: a booking notice (JSON `{title, body, url, tag}`, sent by the API to this member's
 *   device) is shown as a notification, one per booking (its tag);
 * - notificationclick: focuses an open dashboard window on the booking's URL, or opens one.
 */
/* global VERSION, PRECACHE */
const CACHE_PREFIX = 'reservehub-admin-';
const CACHE = `${CACHE_PREFIX}${VERSION}`;
const SHELL = '/admin/';
const PRECACHED = new Set(PRECACHE);

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // Revalidated with the server, so a file kept by the HTTP cache from before the deploy cannot slip in.
      await cache.addAll(PRECACHE.map((url) => new Request(url, { cache: 'no-cache' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE).map((name) => caches.delete(name)));
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  // The API is never answered from here nor stored: bookings must not go stale.
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    event.respondWith(fetch(request).catch(() => cachedShell()));
    return;
  }
  if (PRECACHED.has(url.pathname)) {
    event.respondWith(caches.open(CACHE).then((cache) => cache.match(request)).then((cached) => cached ?? fetch(request)));
  }
});

/** The shell for a navigation the network could not answer: the dashboard then says it is offline. */
async function cachedShell() {
  const cache = await caches.open(CACHE);
  return (await cache.match(SHELL)) ?? Response.error();
}

/** The notice as the API sends it; anything unreadable still shows something rather than nothing. */
function noticeOf(event) {
  try {
    const notice = event.data ? event.data.json() : {};
    return {
      title: typeof notice.title === 'string' ? notice.title : 'ReserveHub',
      body: typeof notice.body === 'string' ? notice.body : '',
      url: typeof notice.url === 'string' ? notice.url : SHELL,
      tag: typeof notice.tag === 'string' ? notice.tag : undefined,
    };
  } catch {
    return { title: 'ReserveHub', body: event.data ? event.data.text() : '', url: SHELL, tag: undefined };
  }
}

self.addEventListener('push', (event) => {
  const notice = noticeOf(event);
  // Browsers require every push to show a notification; a later notice of the same booking replaces the earlier one.
  event.waitUntil(
    self.registration.showNotification(notice.title, {
      body: notice.body,
      tag: notice.tag,
      renotify: notice.tag !== undefined,
      icon: '/admin-icon-192.png',
      badge: '/admin-icon-192.png',
      data: { url: notice.url },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const requested = new URL(event.notification.data?.url ?? SHELL, self.location.origin);
  // Only this dashboard's own pages: a notice never sends the member elsewhere.
  const target = requested.origin === self.location.origin && requested.pathname.startsWith(SHELL) ? requested.href : new URL(SHELL, self.location.origin).href;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((client) => new URL(client.url).pathname.startsWith(SHELL));
      if (open) {
        await open.focus();
        // navigate() works only on a window this worker controls; otherwise a new one opens.
        if (await open.navigate(target).catch(() => null)) return;
      }
      await self.clients.openWindow(target);
    })(),
  );
});

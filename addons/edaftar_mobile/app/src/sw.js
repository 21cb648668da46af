/* This file is part of e-Daftar.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms.

   The service worker of the app (scope: the app's path, /<db>/mobile/).
   - The app shell (page, script, style, manifest, icons, catalogues) is
     kept in a cache named after the build, and served from it first: the
     app opens without the network, and at once on a slow one.  A new
     build is a new sw.js (its list of files changes): it is installed
     beside the old one, takes over, and drops the old cache.
   - RPC (POST) is never intercepted: what the user reads offline is the
     copy the page itself keeps in IndexedDB, marked stale.
   - Push: shows the server's alert and opens the app at its url. */
/* global __VERSION__, __PRECACHE__ */
const VERSION = __VERSION__;
const PRECACHE = __PRECACHE__;
const PREFIX = 'edaftar-mobile-';
const CACHE = PREFIX + VERSION;
const SCOPE = new URL('./', self.location).href;

self.addEventListener('install', (event) => {
    event.waitUntil(caches.open(CACHE)
        .then((cache) => cache.addAll(PRECACHE.map(
            (name) => new Request(new URL(name, SCOPE), {cache: 'reload'}))))
        .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
    event.waitUntil(caches.keys()
        .then((keys) => Promise.all(keys
            .filter((key) => key.startsWith(PREFIX) && key !== CACHE)
            .map((key) => caches.delete(key))))
        .then(() => self.clients.claim()));
});

async function fromCache(request) {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(request, {ignoreSearch: true});
    if (hit) {
        return hit;
    }
    const response = await fetch(request);
    if (response.ok && response.type === 'basic') {
        cache.put(request, response.clone());
    }
    return response;
}

self.addEventListener('fetch', (event) => {
    const request = event.request;
    if (request.method !== 'GET') {
        return;
    }
    const url = new URL(request.url);
    if (!url.href.startsWith(SCOPE)) {
        return;  // RPC, bus, the web client: the network's
    }
    if (request.mode === 'navigate') {
        // The page of the app, whatever the fragment or query
        event.respondWith(caches.open(CACHE)
            .then((cache) => cache.match(SCOPE))
            .then((hit) => hit || fetch(request)));
        return;
    }
    event.respondWith(fromCache(request));
});

self.addEventListener('push', (event) => {
    let data = {};
    try {
        data = event.data ? event.data.json() : {};
    } catch (error) {
        data = {title: event.data ? event.data.text() : ''};
    }
    const title = data.title || 'e-Daftar';
    const options = {
        body: data.body || '',
        tag: data.tag || undefined,
        renotify: Boolean(data.tag),
        icon: new URL('icons/icon-192.png', SCOPE).href,
        badge: new URL('icons/badge-96.png', SCOPE).href,
        data: {url: data.url || SCOPE, id: data.id || null},
        lang: data.lang || undefined,
    };
    const work = [self.registration.showNotification(title, options)];
    if (typeof data.unread === 'number' && self.navigator
            && self.navigator.setAppBadge) {
        work.push(data.unread > 0
            ? self.navigator.setAppBadge(data.unread).catch(() => {})
            : self.navigator.clearAppBadge().catch(() => {}));
    }
    // Tell an open app to read its counts again
    work.push(self.clients.matchAll({type: 'window'}).then((clients) => {
        for (const client of clients) {
            client.postMessage({type: 'push', data});
        }
    }));
    event.waitUntil(Promise.all(work));
});

self.addEventListener('notificationclick', (event) => {
    event.notification.close();
    const wanted = new URL((event.notification.data
        && event.notification.data.url) || SCOPE, SCOPE);
    // Only the app's own addresses
    const target = wanted.href.startsWith(SCOPE) ? wanted.href : SCOPE;
    event.waitUntil(self.clients.matchAll({type: 'window',
        includeUncontrolled: true}).then(async (clients) => {
        for (const client of clients) {
            if (client.url.startsWith(SCOPE) && 'focus' in client) {
                await client.focus();
                if (client.navigate) {
                    try {
                        await client.navigate(target);
                        return;
                    } catch (error) {
                        // not controlled yet: tell it instead
                    }
                }
                client.postMessage({type: 'open', url: target});
                return;
            }
        }
        await self.clients.openWindow(target);
    }));
});

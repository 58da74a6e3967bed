// The service worker: the app's own files (its shell) come from the network when it is
// there, from the cache when it is not, so the app opens offline. Hawiya and the portal
// are never cached: tokens and personal data stay out of the cache.
const CACHE = 'hawiya-mobile-v2';
const SHELL = ['/', '/static/style.css', '/app/main.ts', '/app/auth.ts', '/app/store.ts', '/app/messages.ts', '/app/dom.ts', '/app/device-key.ts', '/shared/der.ts', '/vendor/oauth4webapi.js', '/manifest.webmanifest', '/icon.svg'];

interface WorkerEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchWorkerEvent extends WorkerEvent {
  request: Request;
  respondWith(response: Promise<Response>): void;
}
interface WorkerScope {
  location: Location;
  addEventListener(type: 'install' | 'activate', listener: (event: WorkerEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchWorkerEvent) => void): void;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
}

const worker = self as unknown as WorkerScope;

worker.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => worker.skipWaiting()));
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key)))).then(() => worker.clients.claim()));
});

worker.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== worker.location.origin || !SHELL.includes(url.pathname === '/callback' ? '/' : url.pathname)) return;
  event.respondWith(fetch(event.request).then((response) => {
    const copy = response.clone();
    if (response.ok) void caches.open(CACHE).then((cache) => cache.put(event.request, copy));
    return response;
  }).catch(async () => (await caches.match(url.pathname === '/callback' ? '/' : event.request)) ?? Response.error()));
});

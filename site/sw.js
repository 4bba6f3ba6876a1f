// memeforge service worker: makes the editor work offline after one visit.
// - Precaches the app shell (the page, its scripts, the WASM module, wasm_exec.js, contract.js;
//   scripts/build-site.sh writes the list in) under a cache named for this build (the version is a
//   content hash), and deletes every other memeforge cache on activate but the assets cache.
// - Fonts (fonts/) and emoji art (emoji/) are not precached: a Latin meme needs neither (Anton is
//   in the module), and the worker fetches only those a caption uses. Each is kept on its first
//   fetch, cache first from then on, in an assets cache that outlives version updates, so what
//   was used once keeps working offline after a deploy too. That is safe because the files are
//   immutable by name for a given content: the cache's name carries a hash of every file under
//   fonts/ and emoji/ (build-site.sh), so a build that changes any of them starts a new assets
//   cache and the old one is deleted on activate like an old shell.
// - The page itself and config.json: network first (a deploy shows up at once), cache when offline
//   or when the server answers with an error.
// - The rest of the shell: cache first.
// - /api/* and anything not in the shell (published memes, the bucket) is never touched or cached.
// @ts-check
'use strict';

const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));
const VERSION = '__BUILD_VERSION__';
const CACHE = `memeforge-${VERSION}`;
const ASSETS = 'memeforge-assets-__ASSETS_VERSION__';
// Every file of the built site (scripts/build-site.sh writes the list in at the comment).
const SHELL = ['./', /*__SHELL__*/];
const NETWORK_FIRST = new Set(['', 'index.html', 'config.json']);
const NETWORK_TIMEOUT_MS = 4000;
// Templates seen once work offline: kept in a cache of their own that an update does not delete
// (not "memeforge-" + version); the index is network first, so a deploy's new templates show.
const TEMPLATES = 'memeforge.templates';

const scope = new URL(sw.registration.scope);
/** @param {URL} url */
const rel = (url) => (url.pathname.startsWith(scope.pathname) ? url.pathname.slice(scope.pathname.length) : null);
const SHELL_PATHS = new Set(SHELL.map((p) => (p === './' ? '' : p)));

sw.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // cache: 'reload' skips the HTTP cache so a new version never precaches stale files.
    await cache.addAll(SHELL.map((p) => new Request(p, { cache: 'reload' })));
    await sw.skipWaiting();
  })());
});

sw.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith('memeforge-') && n !== CACHE && n !== ASSETS).map((n) => caches.delete(n)));
    await sw.clients.claim();
  })());
});

sw.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== scope.origin) return;
  const path = rel(url);
  if (path === null || path.startsWith('api/')) return;
  // Only the app's own page is network-first; any other navigation (a published meme opened in
  // a tab, for one) goes to the network untouched, so it can never replace the cached page.
  if (path.startsWith('templates/')) {
    event.respondWith(path === 'templates/index.json' ? networkFirst(req, path, TEMPLATES) : cacheFirst(req, TEMPLATES));
  } else if (NETWORK_FIRST.has(path)) {
    event.respondWith(networkFirst(req, path));
  } else if (SHELL_PATHS.has(path)) {
    event.respondWith(cacheFirst(req, CACHE));
  } else if (/^(fonts|emoji)\/[^/]+\.(ttf|otf|svg)$/.test(path)) {
    event.respondWith(cacheFirst(req, ASSETS));
  }
});

/** @param {Request} req @param {string} path @param {string} [name] @returns {Promise<Response>} */
async function networkFirst(req, path, name = CACHE) {
  const cache = await caches.open(name);
  const key = path === '' ? 'index.html' : path;
  const network = fetch(req).then((resp) => {
    if (resp.ok && resp.type === 'basic') cache.put(key, resp.clone());
    return resp;
  });
  let resp = null;
  try {
    resp = await Promise.race([
      network,
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), NETWORK_TIMEOUT_MS)),
    ]);
    // A redirect is the server's answer too; an error status (a broken deploy, an origin down
    // behind the CDN) is not: the cached app serves better than the error page.
    if (resp.ok || resp.type === 'opaqueredirect') return resp;
  } catch {
    // offline, or no answer in time: the cache answers
  }
  const hit = await cache.match(key);
  if (hit) return hit;
  return resp || network; // nothing cached: let the page see the network's own answer or error
}

/** @param {Request} req @param {string} name the cache */
async function cacheFirst(req, name) {
  const hit = await caches.match(req, { cacheName: name, ignoreSearch: true });
  if (hit) return hit;
  const resp = await fetch(req);
  if (resp.ok && resp.type === 'basic') {
    const cache = await caches.open(name);
    // Stored before the page gets the body: going offline right after first use must find it.
    await cache.put(req, resp.clone()).catch(() => {}); // full storage: served, just not kept
  }
  return resp;
}

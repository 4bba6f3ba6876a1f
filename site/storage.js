// @ts-check
// Persistence across reloads: one IndexedDB database. The image bytes are written only when the
// image changes; the document (spec, choices, publish progress) on every edit, debounced.

const DB_NAME = 'memeforge';
const DB_VERSION = 1;
/** @type {Promise<IDBDatabase> | null} */
let dbPromise = null;

/** @returns {Promise<IDBDatabase>} */
function open() {
  if (dbPromise) return dbPromise;
  dbPromise = new Promise((resolve, reject) => {
    if (!('indexedDB' in self)) { reject(new Error('IndexedDB is not available')); return; }
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('kv')) db.createObjectStore('kv');
      if (!db.objectStoreNames.contains('fonts')) db.createObjectStore('fonts', { keyPath: 'name' });
    };
    let blocked = false;
    // A blocked open still succeeds once the older tab lets go; by then a retry has its own.
    req.onsuccess = () => { if (blocked) req.result.close(); else resolve(req.result); };
    req.onerror = () => reject(req.error);
    req.onblocked = () => { blocked = true; reject(new Error('the saved work is open in an older tab; close it and reload')); };
  });
  // A failure is not kept: it may pass (an older tab closed, a busy disk), so the next call tries again.
  dbPromise.catch(() => { dbPromise = null; });
  return dbPromise;
}

/**
 * @param {string} store @param {IDBTransactionMode} mode @param {(s: IDBObjectStore) => IDBRequest | void} fn
 * @returns {Promise<any>}
 */
function tx(store, mode, fn) {
  return open().then((db) => new Promise((resolve, reject) => {
    const t = db.transaction(store, mode);
    const s = t.objectStore(store);
    /** @type {unknown} */
    let result;
    const req = fn(s);
    if (req) req.onsuccess = () => { result = req.result; };
    t.oncomplete = () => resolve(result);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error || new Error('storage transaction aborted'));
  }));
}

/** @param {string} key */
export const get = (key) => tx('kv', 'readonly', (s) => s.get(key));
/** @param {string} key @param {unknown} value */
export const put = (key, value) => tx('kv', 'readwrite', (s) => s.put(value, key));

/** @param {{ name: string, label: string, bytes: Blob }} font */
export const putFont = (font) => tx('fonts', 'readwrite', (s) => s.put(font));
export const allFonts = () => tx('fonts', 'readonly', (s) => s.getAll());

/** Writes value() under key at most every delay ms; flush writes a scheduled write now.
 *  @param {string} key @param {() => unknown} value @param {number} [delay] @param {(err: unknown) => void} [onError] */
export function saver(key, value, delay = 250, onError = () => {}) {
  /** @type {ReturnType<typeof setTimeout> | 0} */
  let timer = 0;
  const write = () => { timer = 0; put(key, value()).catch(onError); };
  const schedule = () => { if (!timer) timer = setTimeout(write, delay); };
  const flush = () => { if (timer) { clearTimeout(timer); write(); } };
  return { schedule, flush };
}

// @ts-check
// Persistence across reloads: one IndexedDB database. The image bytes are written only when the
// image changes; the document (spec, choices, publish progress) on every edit, debounced.

const DB_NAME = 'memeforge';
// 2: the memes kept on the device (memes.js) and their images, one record per slot.
const DB_VERSION = 2;
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
      if (!db.objectStoreNames.contains('memes')) db.createObjectStore('memes', { keyPath: 'id' });
      if (!db.objectStoreNames.contains('images')) db.createObjectStore('images');
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
    // WebKit fires error before it sets t.error (null until the abort): take the request's.
    t.onerror = () => reject(t.error || (req && req.error) || new Error('storage request failed'));
    t.onabort = () => reject(t.error || new Error('storage transaction aborted'));
  }));
}

// WebKit refuses Blobs in IndexedDB in private browsing ("Error preparing Blob/File data to be
// stored in object store"), so a Blob at the top level of a stored value is kept as its bytes
// and given back as a Blob. Values stored as Blobs by earlier versions still read as they are.
const BLOB = '__blob';

/** @param {any} value @returns {Promise<any>} */
async function pack(value) {
  if (!value || typeof value !== 'object') return value;
  /** @type {Record<string, unknown>} */
  const out = { ...value };
  for (const [k, v] of Object.entries(value)) {
    if (v instanceof Blob) out[k] = { [BLOB]: await v.arrayBuffer(), type: v.type };
  }
  return out;
}

/** @param {any} value @returns {any} */
function unpack(value) {
  if (!value || typeof value !== 'object') return value;
  const out = { ...value };
  for (const [k, v] of Object.entries(value)) {
    if (v && v[BLOB] instanceof ArrayBuffer) out[k] = new Blob([v[BLOB]], { type: v.type });
  }
  return out;
}

// Writes reach IndexedDB in the order they were asked for, however long reading a Blob takes.
/** @type {Promise<unknown>} */
let packing = Promise.resolve();
/** @param {unknown} value */
function packed(value) {
  const p = packing.then(() => pack(value));
  packing = p.catch(() => {});
  return p;
}

/** @param {string} key */
export const get = (key) => tx('kv', 'readonly', (s) => s.get(key)).then(unpack);
/** @param {string} key @param {unknown} value */
export const put = (key, value) => packed(value).then((v) => tx('kv', 'readwrite', (s) => s.put(v, key)));

/** @param {{ name: string, label: string, bytes: Blob }} font */
export const putFont = (font) => packed(font).then((v) => tx('fonts', 'readwrite', (s) => s.put(v)));
export const allFonts = () => tx('fonts', 'readonly', (s) => s.getAll()).then((/** @type {any[]} */ fs) => (fs || []).map(unpack));

// The memes kept on the device: a record each ({id, ...}; a Blob at its top level, the thumbnail,
// is kept as bytes like any other), and each image under "<id>/i:<image id>" (the image id is a hash
// of its bytes), written once; the record lists the current ones by slot, its undo history the ones
// it can go back to. Records from before kept one image per slot under "<id>/<slot>".
/** @param {{ id: string, [k: string]: unknown }} meme */
export const putMeme = (meme) => packed(meme).then((v) => tx('memes', 'readwrite', (s) => s.put(v)));
/** @param {string} id */
export const getMeme = (id) => tx('memes', 'readonly', (s) => s.get(id)).then(unpack);
export const allMemes = () => tx('memes', 'readonly', (s) => s.getAll()).then((/** @type {any[]} */ ms) => (ms || []).map(unpack));
/** Every image of a meme: "<id>/" up to "<id>/\uffff". @param {string} id */
const imagesOf = (id) => IDBKeyRange.bound(`${id}/`, `${id}/\uffff`);
/** Deletes a meme and every image it has kept, current or for undo. @param {string} id */
export const deleteMeme = (id) => tx('memes', 'readwrite', (s) => s.delete(id))
  .then(() => tx('images', 'readwrite', (s) => s.delete(imagesOf(id))));
/** @param {string} id the meme's @param {{ id: string }} image */
export const putImage = (id, image) => packed(image).then((v) => tx('images', 'readwrite', (s) => s.put(v, `${id}/i:${image.id}`)));
/** @param {string} id the meme's @param {string} imageId */
export const getImage = (id, imageId) => tx('images', 'readonly', (s) => s.get(`${id}/i:${imageId}`)).then(unpack);
/** An image as kept before images had ids in the key. @param {string} id @param {number} slot */
export const getSlotImage = (id, slot) => tx('images', 'readonly', (s) => s.get(`${id}/${slot}`)).then(unpack);
/** Deletes the meme's images that are not in keep (ids), and any kept the old way, by slot.
 *  @param {string} id @param {Set<string>} keep @returns {Promise<number>} how many were deleted */
export const keepImages = (id, keep) => {
  let n = 0;
  return tx('images', 'readwrite', (s) => {
    const req = s.openKeyCursor(imagesOf(id));
    req.onsuccess = () => {
      const c = req.result;
      if (!c) return;
      const k = String(c.key).slice(id.length + 1);
      if (!(k.startsWith('i:') && keep.has(k.slice(2)))) { s.delete(c.primaryKey); n++; }
      c.continue();
    };
  }).then(() => n);
};

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

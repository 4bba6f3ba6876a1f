// @ts-check
// "Published" (its heading; "My memes" in code): what this browser published, kept in IndexedDB (storage.js, one key) with the
// delete tokens the signer handed out — the only copy of them anywhere; the server keeps a keyed
// hash. Each entry shows its thumbnail, its share link, when it was published, Copy link and
// Delete. Delete sends the meme's token (and its original's, unless another listed meme was made
// from the same original) to DELETE /api/memes/<id>; the server removes the objects and drops them
// from the CDN's cache.

import * as store from './storage.js';

const KEY = 'my-memes';

/** One published meme.
 *  @typedef {{ id: string, shareUrl: string, imageUrl: string, token: string,
 *    original: { key: string, token: string } | null, at: number }} MyMeme */

/** @returns {Promise<MyMeme[]>} */
export async function list() {
  const v = await store.get(KEY);
  return v && Array.isArray(v.items) ? v.items : [];
}

// storage.js stores objects (it copies a value's own fields), so the list is one field of one.
/** @param {MyMeme[]} items */
const save = (items) => store.put(KEY, { items });

/** @type {(() => void) | null} */
let rerender = null;

/** Records a published meme (newest first) and shows it. @param {MyMeme} m */
export async function add(m) {
  const l = await list();
  if (!l.some((x) => x.id === m.id)) l.unshift(m);
  await save(l);
  if (rerender) rerender();
}

/** The delete route beside the signing path (/api/sign -> /api/memes/<id>). @param {string} signPath @param {string} id */
const deletePath = (signPath, id) => signPath.replace(/[^/]*$/, `memes/${encodeURIComponent(id)}`);

/** Deletes m on the server, then forgets it here. Throws an Error whose message is for people.
 *  @param {string} signPath @param {MyMeme} m */
export async function remove(signPath, m) {
  const l = await list();
  const shared = m.original && l.some((x) => x.id !== m.id && x.original && m.original && x.original.key === m.original.key);
  const body = { token: m.token, ...(m.original && !shared ? { original: m.original } : {}) };
  let r;
  try {
    r = await fetch(deletePath(signPath, m.id), {
      method: 'DELETE', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
      cache: 'no-store', credentials: 'same-origin',
    });
  } catch {
    throw new Error(navigator.onLine === false ? 'Deleting needs a connection, and this device is offline.' : "Couldn't reach the server to delete the meme.");
  }
  // 404: already gone (deleted elsewhere, or taken down); forget it here too.
  if (r.status !== 204 && r.status !== 404) {
    /** @type {any} */
    let json = null;
    try { json = await r.json(); } catch { /* reported below */ }
    if (r.status === 403) throw new Error('The server refused: this browser no longer holds the right to delete that meme.');
    throw new Error(`The server couldn't delete the meme: ${json && json.error && json.error.message ? json.error.message : `HTTP ${r.status}`}.`);
  }
  await save((await list()).filter((x) => x.id !== m.id));
  if (rerender) rerender();
}

/** @param {string} tag @param {string} [cls] @param {string} [text] */
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text) e.textContent = text;
  return e;
}

/** Shows the list in the "Published" section and keeps it current.
 *  @param {{ signPath: () => string, onDeleted?: (m: MyMeme) => void }} opts */
export function mount({ signPath, onDeleted }) {
  const listEl = /** @type {HTMLUListElement} */ (document.getElementById('mine-list'));
  const empty = /** @type {HTMLElement} */ (document.getElementById('mine-empty'));
  const msg = /** @type {HTMLElement} */ (document.getElementById('mine-msg'));
  if (!listEl || !empty || !msg) return;
  /** @param {string} text @param {string} [kind] */
  const say = (text, kind = '') => {
    msg.textContent = text;
    msg.classList.remove('is-error', 'is-ok');
    if (kind) msg.classList.add(`is-${kind}`);
  };
  const render = async () => {
    /** @type {MyMeme[]} */
    let l;
    try { l = await list(); } catch { l = []; }
    listEl.replaceChildren(...l.map((m) => {
      const li = el('li', 'mine-item');
      li.dataset.id = m.id;
      const img = /** @type {HTMLImageElement} */ (el('img', 'mine-thumb'));
      img.src = m.imageUrl;
      img.alt = '';
      img.loading = 'lazy';
      img.decoding = 'async';
      const a = /** @type {HTMLAnchorElement} */ (el('a', 'mine-link', 'Open'));
      a.href = m.shareUrl;
      a.target = '_blank';
      a.rel = 'noopener';
      const when = /** @type {HTMLTimeElement} */ (el('time', 'muted', new Date(m.at).toLocaleString()));
      when.dateTime = new Date(m.at).toISOString();
      const copy = el('button', 'btn small', 'Copy link');
      copy.setAttribute('type', 'button');
      copy.addEventListener('click', async () => {
        try {
          await navigator.clipboard.writeText(m.shareUrl);
          say('Link copied.', 'ok');
        } catch (err) {
          say(`Couldn't copy the link: ${err instanceof Error ? err.message : String(err)}`, 'error');
        }
      });
      const del = /** @type {HTMLButtonElement} */ (el('button', 'btn small danger mine-delete', 'Delete'));
      del.type = 'button';
      let armed = false;
      del.addEventListener('click', async () => {
        if (!armed) { // a second click confirms: the link stops working for everyone
          armed = true;
          del.textContent = 'Delete for everyone?';
          say('Press again to delete it from the server: its link will stop working.');
          return;
        }
        del.disabled = true;
        try {
          await remove(signPath(), m);
          say('Deleted. The link no longer works.', 'ok');
          if (onDeleted) onDeleted(m);
        } catch (err) {
          del.disabled = false;
          say(err instanceof Error ? err.message : String(err), 'error');
        }
      });
      const row = el('div', 'row');
      row.append(copy, del);
      const info = el('div', 'mine-info');
      info.append(a, when, row);
      li.append(img, info);
      return li;
    }));
    empty.hidden = l.length > 0;
  };
  rerender = () => { render(); };
  render();
}

// @ts-check
// Publishing: the original photo is stripped of its metadata first (location, camera serial,
// comments: stripOriginal, done by the WASM module without re-encoding), then two policies from the
// signer (POST {signPath}), then two browser uploads straight to the bucket's holding prefix
// (multipart form: the policy's fields, then the file last), with progress, and retries with
// backoff for transient failures (network errors, 5xx, 429). Uploads become public only once the
// server's check has verified them: the link is shown when GET {statusPath}?key= says "public",
// and a refusal is reported. What already succeeded is recorded in `pub` by the caller's onSaved,
// so pressing Publish again finishes the job instead of starting over.

import { upload as uploadRules } from './contract.js';

export class PublishError extends Error {}

/** What is already published for the meme, kept with the document: each original (by slot; the
 *  first is also `original`, as pages before several images kept it) and the meme. shareUrl/id name
 *  the meme's share page; the tokens are this device's authority to delete (mymemes.js).
 *  @typedef {{ original: { key: string, token?: string } | null, originals?: ({ key: string, token?: string } | null)[],
 *    meme: { key: string, publicUrl: string, shareUrl?: string, id?: string, token?: string, for: string } | null }} PublishRecord */
/** The signer's answer (signer.Response).
 *  @typedef {{ url: string, fields: Record<string, string>, key: string, expiresAt: string, publicUrl?: string,
 *    id?: string, shareUrl?: string, deleteToken?: string }} Signature */
/** @typedef {{ status: number, retryAfter: string | null, text: string }} HTTPResult */
/** @typedef {(why: string, n: number, wait: number) => void} OnRetry */

const RETRY_DELAYS_MS = [500, 1500, 4000]; // so 4 tries in all
/** @param {string} type */
const extOf = (type) => uploadRules.types.find((t) => t.contentType === type)?.ext || 'bin';

export const OFFLINE_MESSAGE = 'Publishing needs a connection, and this device is offline. Your meme is kept here — press Publish again when you are back online.';

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** @param {number} ms */
const jitter = (ms) => Math.round(ms * (0.75 + Math.random() * 0.5));
/** Worth trying again: throttled, a server error, or the local S3 gateway's 409
 *  ExistingObjectIsDirectory (its posix backend, when an upload lands in a folder the upload check
 *  is emptying at that moment). @param {HTTPResult} res */
const transient = (res) => res.status === 429 || res.status >= 500 ||
  (res.status === 409 && typeof res.text === 'string' && res.text.includes('<Code>ExistingObjectIsDirectory</Code>'));

class NetworkError extends Error {}

/** @param {() => Promise<HTTPResult>} attempt @param {{ onRetry: OnRetry }} opts @returns {Promise<HTTPResult>} */
async function withRetries(attempt, { onRetry }) {
  for (let i = 0; ; i++) {
    try {
      const res = await attempt();
      if (!transient(res) || i >= RETRY_DELAYS_MS.length) return res;
      let wait = jitter(RETRY_DELAYS_MS[i]);
      const ra = Number(res.retryAfter);
      if (res.status === 429 && ra > 0) wait = Math.min(ra * 1000, 10000);
      onRetry(`${res.status}`, i + 1, wait);
      await sleep(wait);
    } catch (err) {
      if (!(err instanceof NetworkError) || i >= RETRY_DELAYS_MS.length) throw err;
      const wait = jitter(RETRY_DELAYS_MS[i]);
      onRetry('network error', i + 1, wait);
      await sleep(wait);
    }
  }
}

/** @param {string} signPath @param {{ kind: string, contentType: string, size: number, alt?: string }} body @param {OnRetry} onRetry
 *  @returns {Promise<Signature>} */
async function sign(signPath, body, onRetry) {
  const label = body.kind === 'meme' ? 'the meme' : 'the original image';
  let res;
  try {
    res = await withRetries(async () => {
      let r;
      try {
        r = await fetch(signPath, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
          cache: 'no-store', credentials: 'same-origin',
        });
      } catch (err) {
        throw new NetworkError(err instanceof Error ? err.message : String(err));
      }
      return { status: r.status, retryAfter: r.headers.get('retry-after'), text: await r.text() };
    }, { onRetry });
  } catch (err) {
    if (err instanceof NetworkError) {
      if (navigator.onLine === false) throw new PublishError(OFFLINE_MESSAGE);
      throw new PublishError(`Couldn't reach the signing service to publish ${label} (network error, tried ${RETRY_DELAYS_MS.length + 1} times).`);
    }
    throw err;
  }
  /** @type {any} */
  let json = null;
  try { json = JSON.parse(res.text); } catch { /* reported below */ }
  if (res.status !== 200) {
    const why = json && json.error && json.error.message ? json.error.message : `HTTP ${res.status}`;
    throw new PublishError(`The signing service refused ${label}: ${why}.`);
  }
  if (!json || typeof json.url !== 'string' || !json.fields || typeof json.key !== 'string') {
    throw new PublishError(`The signing service sent an answer memeforge doesn't understand (for ${label}).`);
  }
  if (body.kind === 'meme' && typeof json.publicUrl !== 'string') {
    throw new PublishError('The signing service sent no public link for the meme.');
  }
  return json;
}

/** @param {string} url @param {FormData} form @param {(loaded: number, total: number) => void} onProgress
 *  @returns {Promise<HTTPResult>} */
function xhrPost(url, form, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.timeout = 5 * 60 * 1000;
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded, e.total); };
    // getAllResponseHeaders lists only the headers CORS exposes (asking for another by name logs
    // an error in the console).
    const header = (/** @type {string} */ name) => {
      const m = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(xhr.getAllResponseHeaders());
      return m ? m[1].trim() : null;
    };
    xhr.onload = () => resolve({ status: xhr.status, retryAfter: header('retry-after'), text: xhr.responseText });
    xhr.onerror = () => reject(new NetworkError('network error'));
    xhr.ontimeout = () => reject(new NetworkError('timed out'));
    xhr.send(form);
  });
}

// storageError turns an S3 XML error body into words.
/** @param {string} text @param {number} status */
function storageError(text, status) {
  const pick = (/** @type {string} */ tag) => {
    const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(text || '');
    return m ? m[1].trim() : '';
  };
  const code = pick('Code');
  const message = pick('Message');
  if (code || message) return [code, message].filter(Boolean).join(': ');
  return `HTTP ${status}`;
}

/** @param {Signature} sig @param {Blob} blob @param {string} type @param {'original' | 'meme'} label
 *  @param {(loaded: number) => void} progress @param {OnRetry} onRetry */
async function upload(sig, blob, type, label, progress, onRetry) {
  const attempt = async () => {
    const form = new FormData();
    let hasType = false;
    for (const [k, v] of Object.entries(sig.fields)) {
      form.append(k, v);
      if (k.toLowerCase() === 'content-type') hasType = true;
    }
    if (!hasType) form.append('Content-Type', type);
    form.append('file', blob, `${label}.${extOf(type)}`); // the file must be the last field
    return xhrPost(sig.url, form, progress);
  };
  let res;
  try {
    res = await withRetries(attempt, { onRetry });
  } catch (err) {
    if (err instanceof NetworkError) {
      if (navigator.onLine === false) throw new PublishError(OFFLINE_MESSAGE);
      throw new PublishError(`Couldn't upload ${label === 'meme' ? 'the meme' : 'the original image'} to storage: the connection failed (${err.message}, tried ${RETRY_DELAYS_MS.length + 1} times).`);
    }
    throw err;
  }
  if (res.status < 200 || res.status >= 300) {
    throw new PublishError(`Storage refused ${label === 'meme' ? 'the meme' : 'the original image'}: ${storageError(res.text, res.status)}.`);
  }
}

const STATUS_POLL_MS = [50, 100, 200, 400, 800, 1000]; // then every second
const STATUS_TIMEOUT_MS = 60 * 1000;

/** The status query beside the signing path (/api/sign -> /api/status). @param {string} signPath */
const statusPath = (signPath) => signPath.replace(/[^/]*$/, 'status');

/** Polls the upload's status until the server's check has published or refused it.
 *  @param {string} signPath @param {string} key */
async function waitPublic(signPath, key) {
  const deadline = Date.now() + STATUS_TIMEOUT_MS;
  for (let i = 0; ; i++) {
    let state = null;
    try {
      const r = await fetch(`${statusPath(signPath)}?key=${encodeURIComponent(key)}`, { cache: 'no-store', credentials: 'same-origin' });
      if (r.ok) state = (await r.json()).state;
    } catch { /* a dropped poll: try again */ }
    if (state === 'public') return;
    if (state === 'refused') {
      throw new PublishError('The server refused the meme: its check found it is not the image it claims to be (or it is over a size limit), so it was deleted and is not published.');
    }
    if (Date.now() > deadline) {
      throw new PublishError('The meme is uploaded but the server has not finished checking it; its link is not live yet.');
    }
    await sleep(STATUS_POLL_MS[Math.min(i, STATUS_POLL_MS.length - 1)]);
  }
}

// publish finishes whatever part of the job is not done yet.
//   pub: {original: {key}|null, meme: {key, publicUrl, for}|null} — mutated, then onSaved() is called
//   originals: [{blob, type}] by slot (a multi-image meme publishes each); memeFor: identity of the meme the page shows now
//   renderMeme(): Promise<{blob, type}> — only called when the meme must be uploaded
/**
 * @param {{ signPath: string, pub: PublishRecord, originals: { blob: Blob, type: string }[], memeFor: string,
 *   renderMeme: () => Promise<{ blob: Blob, type: string }>,
 *   stripOriginal: (original: { blob: Blob, type: string }) => Promise<{ blob: Blob, type: string }>,
 *   onProgress: (frac: number | null, label?: string) => void, onSaved: () => void, alt?: string }} job
 * @returns {Promise<string>} the meme's share link
 */
export async function publish({ signPath, pub, originals, memeFor, renderMeme, stripOriginal, onProgress, onSaved, alt }) {
  if (navigator.onLine === false) throw new PublishError(OFFLINE_MESSAGE);
  const done = pub.originals || [pub.original];
  const need = originals.map((_, i) => !done[i]);
  const needMeme = !(pub.meme && pub.meme.for === memeFor);
  if (!need.includes(true) && pub.meme && !needMeme) return pub.meme.shareUrl || pub.meme.publicUrl;
  const several = originals.length > 1;
  const nth = (/** @type {number} */ i) => (several ? ` ${i + 1} of ${originals.length}` : '');

  /** @type {OnRetry} */
  const onRetry = (why, n, wait) => onProgress(null, `Trouble connecting (${why}); trying again in ${(wait / 1000).toFixed(1)} s (retry ${n} of ${RETRY_DELAYS_MS.length})…`);

  const stripped = originals.slice();
  for (let i = 0; i < originals.length; i++) {
    if (!need[i]) continue;
    onProgress(0, `Removing location and camera data from the original photo${nth(i)}…`);
    try {
      stripped[i] = await stripOriginal(originals[i]);
    } catch (err) {
      throw new PublishError(`Couldn't remove the location and camera data from the original photo${nth(i)}, so it was not uploaded (${err instanceof Error ? err.message : String(err)}).`);
    }
  }
  /** @type {{ blob: Blob, type: string } | null} */
  let meme = null;
  if (needMeme) {
    onProgress(0, 'Rendering the full-size meme…');
    meme = await renderMeme();
  }
  onProgress(0, 'Asking for upload permission…');
  const [memeSig, ...origSigs] = await Promise.all([
    meme ? sign(signPath, { kind: 'meme', contentType: meme.type, size: meme.blob.size, ...(alt ? { alt } : {}) }, onRetry) : null,
    ...stripped.map((o, i) => (need[i] ? sign(signPath, { kind: 'original', contentType: o.type, size: o.blob.size }, onRetry) : null)),
  ]);

  const total = stripped.reduce((n, o, i) => n + (origSigs[i] ? o.blob.size : 0), 0) + (meme ? meme.blob.size : 0);
  let sent = 0;
  const progress = (/** @type {string} */ label) => (/** @type {number} */ loaded) => onProgress(Math.min(1, (sent + loaded) / total), label);

  for (let i = 0; i < stripped.length; i++) {
    const sig = origSigs[i];
    if (!sig) continue;
    const o = stripped[i];
    const label = `Uploading the original image${nth(i)}…`;
    onProgress(sent / total, label);
    await upload(sig, o.blob, o.type, 'original', progress(label), onRetry);
    sent += o.blob.size;
    const keys = (pub.originals = (pub.originals || [pub.original]).slice());
    keys[i] = { key: sig.key, ...(sig.deleteToken ? { token: sig.deleteToken } : {}) };
    if (i === 0) pub.original = keys[0];
    onSaved();
  }
  if (meme && memeSig) {
    const label = 'Uploading the meme…';
    onProgress(sent / total, label);
    await upload(memeSig, meme.blob, meme.type, 'meme', progress(label), onRetry);
    sent += meme.blob.size;
    onProgress(1, 'Checking the meme before it goes public…');
    await waitPublic(signPath, memeSig.key);
    pub.meme = {
      key: memeSig.key, publicUrl: /** @type {string} */ (memeSig.publicUrl), for: memeFor,
      ...(memeSig.shareUrl && memeSig.id ? { shareUrl: memeSig.shareUrl, id: memeSig.id } : {}),
      ...(memeSig.deleteToken ? { token: memeSig.deleteToken } : {}),
    };
    onSaved();
  }
  onProgress(1, 'Published.');
  const rec = /** @type {NonNullable<PublishRecord['meme']>} */ (pub.meme);
  return rec.shareUrl || rec.publicUrl;
}

// @ts-check
// The render worker: loads the Go renderer (wasm_exec.js + memeforge.wasm, global `memeforge`, see
// memeforge.d.ts) and answers the page's messages (messages.d.ts) one at a time, in order; the page
// coalesces previews (app.js), so every request here is one to do. A render says which bundled
// fonts and emoji art its spec needs that the module lacks; only then are they fetched
// (fetch-assets.js) and the render done again. Pixel buffers go back to the page
// as transfers, never copies. Final images are encoded with the browser's own encoder
// (OffscreenCanvas.convertToBlob), far faster than Go's.
'use strict';

// The module first: its bytes (about 1.5 MB brotli) and their compile are most of what the first
// preview waits for. Started by boot.js (named memeforge-booted), the page fetches and compiles it
// and sends it here; otherwise, or if the page couldn't, the fetch starts here before anything
// else is loaded, and V8 compiles while the bytes arrive (compileStreaming needs no imports; they
// are bound at instantiate).
/** when each step of the start finished, on this worker's clock @type {import('./messages').StartTimes} */
const startTimes = { response: 0, compiled: 0, imports: 0, started: 0, module: /** @type {'page' | 'worker'} */ ('worker') };
/** @type {(b: import('./messages').Boot) => void} */
let booted = () => {};
/** @type {Promise<WebAssembly.Module>} */
const compiled = self.name === 'memeforge-booted'
  ? new Promise((resolve) => { booted = (b) => {
    booted = () => {};
    if (!('module' in b)) { console.warn('memeforge: the page could not load the renderer:', b.error); resolve(fetchModule()); return; }
    startTimes.module = 'page';
    startTimes.response = b.response - performance.timeOrigin;
    startTimes.compiled = b.compiled - performance.timeOrigin;
    resolve(b.module);
  }; })
  : fetchModule();

/** @returns {Promise<WebAssembly.Module>} */
async function fetchModule() {
  const resp = await fetch('memeforge.wasm');
  startTimes.response = performance.now();
  if (!resp.ok) throw new Error(`could not load the renderer (memeforge.wasm: HTTP ${resp.status})`);
  // Streaming compiles while the bytes arrive but refuses a response not labelled exactly
  // application/wasm, after taking its body. Ask first, rather than hold a clone of the body
  // for a retry: a server that labels .wasm otherwise gets the module compiled from its bytes.
  const type = (resp.headers.get('content-type') || '').trim().toLowerCase();
  const module = await (type === 'application/wasm'
    ? WebAssembly.compileStreaming(resp)
    : WebAssembly.compile(await resp.arrayBuffer()));
  startTimes.compiled = performance.now();
  return module;
}
compiled.catch(() => {}); // start() reports a failure; this only keeps it from being "unhandled"

importScripts('wasm_exec.js');

/** @typedef {import('./messages').Request} WorkerRequest */
/** @typedef {import('./messages').Ops} Ops */
/** @typedef {import('./memeforge').Memeforge} Memeforge */

/** @type {Memeforge | null} */
let mf = null;
/** @type {WebAssembly.Memory | null} the module's linear memory, for stats */
let wasmMemory = null;
/** calls made into the module so far (the preview and frame replies say how many each made) */
let moduleCalls = 0;
const ready = start();

async function start() {
  // A classic worker (importScripts above) may still import modules dynamically.
  const [contract, { AssetLoader }] = await Promise.all([
    /** @type {Promise<typeof import('./contract.js')>} */ (import('./contract.js')),
    /** @type {Promise<typeof import('./fetch-assets.js')>} */ (import('./fetch-assets.js')),
  ]);
  startTimes.imports = performance.now();
  const go = new Go();
  const module = await compiled;
  const instance = await WebAssembly.instantiate(module, go.importObject);
  const started = new Promise((resolve) => self.addEventListener('memeforge:ready', resolve, { once: true }));
  const exited = go.run(instance).then(() => { mf = null; post({ event: 'exited' }); });
  await Promise.race([started, exited.then(() => { throw new Error('the renderer stopped while starting'); })]);
  startTimes.started = performance.now();
  if (!self.memeforge) throw new Error('the renderer said it was ready but set no global');
  mf = counted(self.memeforge);
  wasmMemory = /** @type {WebAssembly.Memory} */ (instance.exports.mem);
  return { mf, assets: new AssetLoader(contract.fonts, post) };
}

/** The module with every method call counted (moduleCalls): a keystroke should cost one.
 *  @param {Memeforge} m @returns {Memeforge} */
function counted(m) {
  return new Proxy(m, {
    get(target, key) {
      const v = Reflect.get(target, key);
      if (typeof v !== 'function') return v;
      return (/** @type {any[]} */ ...args) => { moduleCalls++; return v.apply(target, args); };
    },
  });
}

/** @param {import('./messages').Reply | import('./messages').WorkerEvent} msg @param {Transferable[]} [transfer] */
const post = (msg, transfer = []) => self.postMessage(msg, transfer);

/** The module's error as the protocol carries it: its code, or "worker" for one of ours.
 *  @param {any} err @returns {import('./messages').ReplyError} */
function replyError(err) {
  const message = (err && err.message) || String(err);
  if (err && typeof err.code === 'string') return { code: err.code, message, width: err.width, height: err.height };
  return { code: 'worker', message };
}

/** @type {WorkerRequest[]} */
const queue = [];
let busy = false;

self.onmessage = (e) => {
  if (e.data && e.data.boot) { booted(e.data.boot); return; } // boot.js's module, not a request
  queue.push(e.data);
  pump();
};

function pump() {
  if (busy || queue.length === 0) return;
  busy = true;
  const msg = /** @type {WorkerRequest} */ (queue.shift());
  run(msg)
    .then(([result, transfer]) => post({ id: msg.id, ok: true, result }, transfer || []),
      (err) => post({ id: msg.id, ok: false, error: replyError(err) }))
    .finally(() => { busy = false; pump(); });
}

/** @param {WorkerRequest} msg @returns {Promise<[Ops[keyof Ops]['result'], Transferable[]?]>} */
async function run(msg) {
  const r = await ready;
  if (!mf) throw new Error('the renderer has stopped; reload the page');
  switch (msg.op) {
    case 'warmUp':
      return [await mf.warmUp()];
    case 'init':
      return [{ version: r.mf.version, start: { ...startTimes, origin: performance.timeOrigin } }];
    case 'loadImage':
      return [await mf.loadImage(msg.bytes)];
    case 'loadImageAt':
      return [await mf.loadImageAt(msg.slot, msg.bytes)];
    case 'addFont':
      return [await mf.addFont(msg.name, msg.bytes, msg.fallback)];
    case 'loadAnimation':
      return [await mf.loadAnimation(msg.bytes)];
    case 'preview':
      return preview(mf, msg);
    case 'frame':
      return frame(mf, msg);
    case 'stats':
      return [{ wasmBytes: wasmMemory ? wasmMemory.buffer.byteLength : 0 }];
    case 'final':
      return final(mf, msg);
    case 'strip': {
      // The original photo without its location and camera data (memeforge.stripMetadata).
      const res = await mf.stripMetadata(msg.bytes);
      return [{ bytes: res.bytes, format: res.format, removed: Array.from(res.removed), location: res.location }, [res.bytes.buffer]];
    }
    default:
      throw new Error(`unknown request ${/** @type {any} */ (msg).op}`);
  }
}

/** Fetches and adds the bundled fonts and the emoji art specJSON needs (fetch-assets.js); a
 *  failure is an event, and the render goes on with boxes for what is missing.
 *  @param {Memeforge} mf @param {string} specJSON */
async function loadFontsFor(mf, specJSON) {
  const { assets } = await ready;
  await assets.load(mf, specJSON);
}

/** Sends the pixels' own buffer when the view covers all of it; otherwise copies once.
 *  @param {Uint8ClampedArray<ArrayBuffer>} pixels @returns {Uint8ClampedArray<ArrayBuffer>} */
function transferable(pixels) {
  if (pixels.byteOffset === 0 && pixels.byteLength === pixels.buffer.byteLength) return pixels;
  return pixels.slice();
}

/** Renders, then fetches and adds what the render said it lacks (fetch-assets.js) and renders
 *  again when anything was added: a keystroke that needs nothing new is one module call. A box
 *  naming a bundled font not loaded yet (chosen in its style menu) cannot render at all: then
 *  the fonts are asked for first, as before every render once.
 *  @template {import('./memeforge').Needs} R
 *  @param {Memeforge} mf @param {string} spec @param {(again: boolean) => Promise<R>} render @returns {Promise<R>} */
async function withAssets(mf, spec, render) {
  const { assets } = await ready;
  let res;
  try {
    res = await render(false);
  } catch (err) {
    if (!err || /** @type {any} */ (err).code !== 'font_not_loaded') throw err;
    await assets.load(mf, spec);
    return render(true);
  }
  if (await assets.add(mf, res)) res = await render(true);
  return res;
}

/** @param {Memeforge} mf @param {Extract<WorkerRequest, { op: 'preview' }>} msg @returns {Promise<[Ops['preview']['result'], Transferable[]]>} */
async function preview(mf, msg) {
  const t0 = performance.now();
  const calls0 = moduleCalls;
  // One call: the module fits the meme's shape into the page's box (fit), renders, and says what
  // the spec needs that it lacks. have: the frame the page shows, so only what changed comes back;
  // a render after a fetch sends it whole (the page never saw the frame drawn with boxes).
  const res = await withAssets(mf, msg.spec,
    (again) => mf.renderPreview(msg.spec, msg.width, msg.height, again ? 0 : msg.have || 0, !!msg.fit));
  const pixels = transferable(res.pixels);
  const out = {
    width: res.width, height: res.height, pixels, frame: res.frame, changed: res.changed,
    missing: Array.from(res.missing), overflow: Array.from(res.overflow),
    renderMs: performance.now() - t0, full: msg.fit ? res.full : undefined, calls: moduleCalls - calls0,
  };
  return [out, [pixels.buffer]];
}

/** @param {Memeforge} mf @param {Extract<WorkerRequest, { op: 'frame' }>} msg @returns {Promise<[Ops['frame']['result'], Transferable[]]>} */
async function frame(mf, msg) {
  const t0 = performance.now();
  const calls0 = moduleCalls;
  const res = await withAssets(mf, msg.spec, () => mf.renderAnimationFrame(msg.spec, msg.frame, msg.width, msg.height));
  const pixels = transferable(res.pixels);
  const out = {
    width: res.width, height: res.height, pixels, frame: res.frame,
    missing: Array.from(res.missing), overflow: Array.from(res.overflow), renderMs: performance.now() - t0,
    calls: moduleCalls - calls0,
  };
  return [out, [pixels.buffer]];
}

/** @param {Memeforge} mf @param {Extract<WorkerRequest, { op: 'final' }>} msg @returns {Promise<[Ops['final']['result']] | [Ops['final']['result'], Transferable[]]>} */
async function final(mf, msg) {
  const t0 = performance.now();
  await loadFontsFor(mf, msg.spec);
  if (msg.format === 'gif') {
    // Rendered and encoded in one call (Go's GIF encoder: the browser has none).
    const bytes = await mf.finalGIF(msg.spec);
    const t1 = performance.now();
    // GIF's logical screen size, bytes 6..9 little-endian.
    const width = bytes[6] | (bytes[7] << 8), height = bytes[8] | (bytes[9] << 8);
    return [{ blob: new Blob([bytes], { type: 'image/gif' }), type: 'image/gif', width, height, missing: [], renderMs: t1 - t0, encodeMs: 0 }];
  }
  const res = await mf.renderFinal(msg.spec);
  const t1 = performance.now();
  const type = msg.format === 'png' ? 'image/png' : 'image/jpeg';
  if (typeof OffscreenCanvas !== 'function') {
    // No OffscreenCanvas in this worker: the page encodes the pixels with its own canvas (the
    // browser's encoder either way; Go's encoders are not in the module, 38 KB brotli saved).
    return [{
      pixels: res.pixels, type, width: res.width, height: res.height,
      missing: Array.from(res.missing), renderMs: t1 - t0, encodeMs: 0,
    }, [res.pixels.buffer]];
  }
  const canvas = new OffscreenCanvas(res.width, res.height);
  const ctx = /** @type {OffscreenCanvasRenderingContext2D} */ (canvas.getContext('2d'));
  ctx.putImageData(new ImageData(res.pixels, res.width, res.height), 0, 0);
  const blob = await canvas.convertToBlob({ type, quality: msg.quality });
  const t2 = performance.now();
  return [{
    blob, type, width: res.width, height: res.height,
    missing: Array.from(res.missing), renderMs: t1 - t0, encodeMs: t2 - t1,
  }];
}

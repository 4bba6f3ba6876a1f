// The render worker: loads the Go renderer (wasm_exec.js + memeforge.wasm, global `memeforge`, see
// memeforge.d.ts) and answers the page's messages one at a time. Previews that queue up behind
// other work are coalesced: only the newest is rendered, the others are answered {stale: true}.
// Pixel buffers go back to the page as transfers, never copies. Final images are encoded with the
// browser's own encoder (OffscreenCanvas.convertToBlob), far faster than Go's.
'use strict';
importScripts('wasm_exec.js');

const FALLBACK_FONTS = [
  { name: 'dejavu', url: 'fonts/DejaVuSans-Bold.ttf' },
  { name: 'droid', url: 'fonts/DroidSansFallbackFull.ttf' },
];
const loadedFonts = new Set(['anton']);
const fontFailedAt = new Map(); // name -> time of the last failed fetch, to retry later, not at once
const FONT_RETRY_MS = 10000;

let mf = null;
const ready = start();

async function start() {
  const go = new Go();
  const resp = await fetch('memeforge.wasm');
  if (!resp.ok) throw new Error(`could not load the renderer (memeforge.wasm: HTTP ${resp.status})`);
  // Streaming compiles while the bytes arrive but refuses a response not labelled exactly
  // application/wasm, after taking its body. Ask first, rather than hold a clone of the 4.7 MB body
  // for a retry: a server that labels .wasm otherwise gets the module compiled from its bytes.
  const type = (resp.headers.get('content-type') || '').trim().toLowerCase();
  const { instance } = type === 'application/wasm'
    ? await WebAssembly.instantiateStreaming(resp, go.importObject)
    : await WebAssembly.instantiate(await resp.arrayBuffer(), go.importObject);
  go.run(instance).then(() => { mf = null; post({ event: 'exited' }); });
  // main() sets the global before it blocks; give the scheduler a few turns in case it yields first.
  for (let i = 0; !self.memeforge && i < 200; i++) await sleep(5);
  if (!self.memeforge) throw new Error('the renderer started but did not register itself');
  mf = self.memeforge;
  return mf;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const post = (msg, transfer = []) => self.postMessage(msg, transfer);
const messageOf = (err) => (err && err.message) || String(err);

const queue = [];
let busy = false;

self.onmessage = (e) => {
  const msg = e.data;
  if (msg.op === 'preview') {
    for (let i = queue.length - 1; i >= 0; i--) {
      if (queue[i].op === 'preview') {
        post({ id: queue[i].id, ok: true, result: { stale: true } });
        queue.splice(i, 1);
      }
    }
  }
  queue.push(msg);
  // Start on a later task, not now: messages already waiting (a burst of previews) are delivered
  // first and collapse into the newest.
  if (!pumpScheduled) { pumpScheduled = true; setTimeout(() => { pumpScheduled = false; pump(); }, 0); }
};
let pumpScheduled = false;

function pump() {
  if (busy || queue.length === 0) return;
  busy = true;
  const msg = queue.shift();
  run(msg)
    .then(([result, transfer]) => post({ id: msg.id, ok: true, result }, transfer || []),
      (err) => post({ id: msg.id, ok: false, error: messageOf(err) }))
    .finally(() => {
      busy = false;
      // A macrotask, not a microtask: messages that arrived during the render are delivered first,
      // so a burst of previews collapses into the newest one.
      setTimeout(pump, 0);
    });
}

async function run(msg) {
  const r = await ready;
  if (!mf) throw new Error('the renderer has stopped; reload the page');
  switch (msg.op) {
    case 'init':
      return [{ version: r.version }];
    case 'loadImage':
      return [await mf.loadImage(msg.bytes)];
    case 'addFont': {
      const res = await mf.addFont(msg.name, msg.bytes, !!msg.fallback);
      loadedFonts.add(msg.name);
      return [res];
    }
    case 'preview':
      return preview(msg);
    case 'final':
      return final(msg);
    case 'strip': {
      // The original photo without its location and camera data (memeforge.stripMetadata).
      const res = await mf.stripMetadata(msg.bytes);
      return [{ bytes: res.bytes, format: res.format, removed: Array.from(res.removed), location: res.location }, [res.bytes.buffer]];
    }
    default:
      throw new Error(`unknown request ${msg.op}`);
  }
}

// ensureNamedFonts loads the bundled fallback fonts a spec names explicitly (a box set to "dejavu").
async function ensureNamedFonts(specJSON) {
  let fonts;
  try { fonts = new Set(JSON.parse(specJSON).boxes.map((b) => b.font)); } catch { return; }
  for (const f of FALLBACK_FONTS) {
    if (fonts.has(f.name) && !loadedFonts.has(f.name)) await loadFallback(f);
  }
}

async function loadFallback(f) {
  const failed = fontFailedAt.get(f.name);
  if (failed && Date.now() - failed < FONT_RETRY_MS) return false;
  post({ event: 'fonts', loading: f.name });
  try {
    const resp = await fetch(f.url);
    if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
    const bytes = new Uint8Array(await resp.arrayBuffer());
    await mf.addFont(f.name, bytes, true);
    loadedFonts.add(f.name);
    fontFailedAt.delete(f.name);
    return true;
  } catch (err) {
    fontFailedAt.set(f.name, Date.now());
    post({ event: 'fonts', failed: f.name, error: messageOf(err) });
    return false;
  } finally {
    post({ event: 'fonts', loading: '' });
  }
}

// loadFallbacksFor adds the bundled fallback fonts, one at a time, while the renderer still reports
// characters it can't draw. True when a font was added (the caller renders again).
async function loadFallbacksFor(specJSON) {
  let added = false;
  for (const f of FALLBACK_FONTS) {
    if (loadedFonts.has(f.name)) continue;
    if (await loadFallback(f)) {
      added = true;
      const still = await mf.missingGlyphs(specJSON);
      if (!still || still.length === 0) break;
    }
  }
  return added;
}

async function renderWithFallbacks(fn, specJSON) {
  await ensureNamedFonts(specJSON);
  let res = await fn();
  if (res.missing && res.missing.length && await loadFallbacksFor(specJSON)) res = await fn();
  return res;
}

function transferable(pixels) {
  // Send the pixels' own buffer when the view covers all of it; otherwise copy once.
  if (pixels.byteOffset === 0 && pixels.byteLength === pixels.buffer.byteLength) return pixels;
  return pixels.slice();
}

async function preview(msg) {
  const t0 = performance.now();
  // have: the frame the page shows; the renderer then sends only what changed since it.
  const res = await renderWithFallbacks(() => mf.renderPreview(msg.spec, msg.width, msg.height, msg.have || 0), msg.spec);
  const pixels = transferable(res.pixels);
  const out = {
    width: res.width, height: res.height, pixels, frame: res.frame, changed: res.changed,
    missing: Array.from(res.missing || []), overflow: Array.from(res.overflow || []),
    renderMs: performance.now() - t0,
  };
  return [out, [pixels.buffer]];
}

async function final(msg) {
  const t0 = performance.now();
  const res = await renderWithFallbacks(() => mf.renderFinal(msg.spec), msg.spec);
  const t1 = performance.now();
  const type = msg.format === 'png' ? 'image/png' : 'image/jpeg';
  let blob;
  if (typeof OffscreenCanvas === 'function') {
    const canvas = new OffscreenCanvas(res.width, res.height);
    const ctx = canvas.getContext('2d');
    ctx.putImageData(new ImageData(res.pixels, res.width, res.height), 0, 0);
    blob = await canvas.convertToBlob({ type, quality: msg.quality });
  } else {
    // No OffscreenCanvas: the Go encoder is slower but always there.
    const bytes = await mf.encode(msg.spec, msg.format, Math.round(msg.quality * 100));
    blob = new Blob([bytes], { type });
  }
  const t2 = performance.now();
  return [{
    blob, type, width: res.width, height: res.height,
    missing: Array.from(res.missing || []), renderMs: t1 - t0, encodeMs: t2 - t1,
  }];
}

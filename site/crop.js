// @ts-check
// Cropping by hand: the crop mode shows one image whole (as turned) in place of the preview, with a
// rectangle to drag (corners and edges resize it, the inside moves it, a drag outside it draws a new
// one) and to move by keys (arrow keys move the focused handle, Shift by ten times as much; Enter
// applies, Escape cancels). Pointer events, so mouse, pen and touch alike. Nothing changes until
// Apply: then the page writes the crop into the spec as one edit. The image is drawn from its own
// bytes by the browser, for this view only; the meme is still drawn by the renderer from the spec.
//
// The rectangle is kept as its edges in fractions of the image as shown (after the turn);
// the spec's crop is in fractions of the image as decoded (before it): cutsToCrop and cropToCuts
// go between the two.

import { clamp } from './spec.js';

/** @typedef {import('./spec.js').Slot} Slot */
/** The cut from each side, [top, right, bottom, left], in fractions. @typedef {number[]} Cuts */
/** @typedef {{ l: number, t: number, r: number, b: number }} Edges */

// The smallest part of an image a crop may keep, each way: big enough to see and to grab.
export const MIN_CROP = 0.05;
const STEP = 0.01;
const BIG_STEP = 0.1;

const r4 = (/** @type {number} */ v) => Math.round(v * 10000) / 10000;

/** The cuts of a slot's crop on the image as decoded. @param {Slot} s @returns {Cuts} */
export function sourceCuts(s) {
  const c = s.crop || { x: 0, y: 0, w: 1, h: 1 };
  return [c.y, 1 - c.x - c.w, 1 - c.y - c.h, c.x];
}
/** Cuts as shown: a turn of n quarters moves the source's top to side n. @param {Cuts} src @param {number} rotate @returns {Cuts} */
export function shownCuts(src, rotate) {
  const n = (rotate / 90) | 0;
  const out = [0, 0, 0, 0];
  src.forEach((v, k) => { out[(k + n) % 4] = v; });
  return out;
}
/** @param {Cuts} shown @param {number} rotate @returns {Cuts} */
function toSource(shown, rotate) {
  const n = (rotate / 90) | 0;
  return [0, 1, 2, 3].map((k) => shown[(k + n) % 4]);
}
/** The spec's crop for cuts as shown; undefined for none. @param {Cuts} shown @param {number} rotate */
export function cutsToCrop(shown, rotate) {
  const [t, r, b, l] = toSource(shown, rotate);
  if (t === 0 && r === 0 && b === 0 && l === 0) return undefined;
  return { x: r4(l), y: r4(t), w: r4(1 - l - r), h: r4(1 - t - b) };
}
/** @param {Slot} s @returns {Cuts} */
export const cropToCuts = (s) => shownCuts(sourceCuts(s), s.rotate || 0);

/** @param {Cuts} c @returns {Edges} */
const edgesOf = (c) => ({ l: c[3], t: c[0], r: 1 - c[1], b: 1 - c[2] });
/** @param {Edges} e @returns {Cuts} */
const cutsOf = (e) => [r4(e.t), r4(1 - e.r), r4(1 - e.b), r4(e.l)];

/** Keeps edges inside the image and at least MIN_CROP apart. @param {Edges} e @returns {Edges} */
function tidy(e) {
  const out = { ...e };
  for (const [lo, hi] of /** @type {const} */ ([['l', 'r'], ['t', 'b']])) {
    out[lo] = clamp(out[lo], 0, 1);
    out[hi] = clamp(out[hi], 0, 1);
    if (out[hi] - out[lo] < MIN_CROP) {
      const c = clamp((out[lo] + out[hi]) / 2, MIN_CROP / 2, 1 - MIN_CROP / 2);
      out[lo] = c - MIN_CROP / 2;
      out[hi] = c + MIN_CROP / 2;
    }
  }
  return out;
}

/** The edges after handle h moved by dx, dy; k is the kept shape (width / height in fractions of the
 *  shown image), or 0 for any. @param {Edges} start @param {string} h @param {number} dx @param {number} dy @param {number} k
 *  @returns {Edges} */
export function resized(start, h, dx, dy, k) {
  const e = { ...start };
  if (h === 'move') {
    const w = e.r - e.l, ht = e.b - e.t;
    e.l = clamp(e.l + dx, 0, 1 - w); e.r = e.l + w;
    e.t = clamp(e.t + dy, 0, 1 - ht); e.b = e.t + ht;
    return e;
  }
  const W = h.includes('w'), E = h.includes('e'), N = h.includes('n'), S = h.includes('s');
  if (W) e.l = clamp(e.l + dx, 0, e.r - MIN_CROP);
  if (E) e.r = clamp(e.r + dx, e.l + MIN_CROP, 1);
  if (N) e.t = clamp(e.t + dy, 0, e.b - MIN_CROP);
  if (S) e.b = clamp(e.b + dy, e.t + MIN_CROP, 1);
  if (!k) return tidy(e);
  let w = e.r - e.l, ht = e.b - e.t;
  if ((W || E) && (N || S)) {
    // A corner: the side that moved more sets the size; the opposite corner stays put.
    if (Math.abs(w - (start.r - start.l)) >= Math.abs(ht - (start.b - start.t)) * k) ht = w / k; else w = ht * k;
    const ax = W ? start.r : start.l, ay = N ? start.b : start.t;
    const roomW = W ? ax : 1 - ax, roomH = N ? ay : 1 - ay;
    if (w > roomW) { w = roomW; ht = w / k; }
    if (ht > roomH) { ht = roomH; w = ht * k; }
    e.l = W ? ax - w : ax; e.r = e.l + w;
    e.t = N ? ay - ht : ay; e.b = e.t + ht;
  } else if (W || E) {
    // An edge: the other two sides grow or shrink about the middle.
    ht = Math.min(w / k, 1);
    w = ht * k;
    if (W) e.l = e.r - w; else e.r = e.l + w;
    e.t = clamp((start.t + start.b) / 2 - ht / 2, 0, 1 - ht); e.b = e.t + ht;
  } else {
    w = Math.min(ht * k, 1);
    ht = w / k;
    if (N) e.t = e.b - ht; else e.b = e.t + ht;
    e.l = clamp((start.l + start.r) / 2 - w / 2, 0, 1 - w); e.r = e.l + w;
  }
  return tidy(e);
}

/** The largest rectangle of shape k inside e, about its middle. @param {Edges} e @param {number} k @returns {Edges} */
function fitShape(e, k) {
  let w = e.r - e.l, ht = e.b - e.t;
  if (w / ht > k) w = ht * k; else ht = w / k;
  const cx = (e.l + e.r) / 2, cy = (e.t + e.b) / 2;
  return tidy({ l: cx - w / 2, r: cx + w / 2, t: cy - ht / 2, b: cy + ht / 2 });
}

// The handles: [name, label], clockwise from the top-left corner. Edges are sliders (the cut from
// that side), corners move two edges at once.
const HANDLES = /** @type {const} */ ([
  ['nw', 'Top-left corner'], ['n', 'Top edge'], ['ne', 'Top-right corner'], ['e', 'Right edge'],
  ['se', 'Bottom-right corner'], ['s', 'Bottom edge'], ['sw', 'Bottom-left corner'], ['w', 'Left edge'],
]);
/** The side a slider edge cuts, as an index into Cuts. @type {Record<string, number>} */
const SIDE = { n: 0, e: 1, s: 2, w: 3 };
const SIDE_NAME = ['top', 'right', 'bottom', 'left'];
/** @type {Record<string, [number, number]>} */
const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

/** @param {number} v */
const pct = (v) => `${Math.round(v * 1000) / 10} %`;

/**
 * @typedef {{
 *   root: HTMLElement,
 *   maxHeight: () => number,
 *   onOpen: () => void,
 *   onDraft: (slot: number, cuts: Cuts) => void,
 *   onApply: (slot: number, cuts: Cuts) => void,
 *   onClose: (slot: number) => void,
 *   onError: (message: string) => void,
 * }} CropParts
 */

export class CropMode {
  /** @param {CropParts} parts */
  constructor(parts) {
    this.o = parts;
    const root = parts.root;
    const q = (/** @type {string} */ sel) => /** @type {HTMLElement} */ (root.querySelector(sel));
    this.title = q('.crop-title');
    this.frame = q('.crop-frame');
    this.canvas = /** @type {HTMLCanvasElement} */ (q('canvas'));
    this.hole = q('.crop-hole');
    this.rect = q('.crop-rect');
    this.status = q('.crop-status');
    this.aspect = /** @type {HTMLSelectElement} */ (q('.crop-aspect'));
    this.rect.dataset.h = 'move';
    this.slot = -1;
    this.rotate = 0;
    /** the image as shown (turned), in pixels */
    this.size = { w: 1, h: 1 };
    /** @type {Edges} */
    this.edges = { l: 0, t: 0, r: 1, b: 1 };
    /** @type {Edges} the crop when the mode opened */
    this.start = this.edges;
    /** @type {ImageBitmap | null} */
    this.bitmap = null;
    /** @type {HTMLElement | null} where focus goes back to */
    this.opener = null;
    this.gen = 0;
    /** @type {Record<string, HTMLElement>} */
    this.handles = {};
    for (const [h, label] of HANDLES) {
      const el = document.createElement('span');
      el.className = `crop-handle crop-${h.length === 2 ? 'corner' : 'edge'} crop-${h}`;
      el.dataset.h = h;
      el.tabIndex = 0;
      if (h.length === 1) {
        el.setAttribute('role', 'slider');
        el.setAttribute('aria-orientation', h === 'n' || h === 's' ? 'vertical' : 'horizontal');
        el.setAttribute('aria-valuemin', '0');
        el.setAttribute('aria-label', `${label}: cut from the ${SIDE_NAME[SIDE[h]]}`);
      } else {
        el.setAttribute('role', 'group');
        el.setAttribute('aria-roledescription', 'crop corner');
        el.setAttribute('aria-label', `${label}. Arrow keys move it.`);
      }
      this.handles[h] = el;
      this.rect.append(el);
    }
    this.frame.addEventListener('pointerdown', (e) => this.onPointerDown(e));
    window.addEventListener('resize', () => this.layout()); // a taller or shorter window: the page's observer sees widths only
    root.addEventListener('keydown', (e) => this.onKey(e));
    this.enter = false;
    root.addEventListener('keyup', (e) => {
      if (e.key !== 'Enter' || !this.enter) return;
      this.enter = false;
      e.preventDefault();
      this.apply();
    });
    q('.crop-apply').addEventListener('click', () => this.apply());
    q('.crop-cancel').addEventListener('click', () => this.cancel());
    q('.crop-reset').addEventListener('click', () => { this.aspect.value = 'free'; this.set({ l: 0, t: 0, r: 1, b: 1 }); });
    this.aspect.addEventListener('input', () => { const k = this.shape(); if (k) this.set(fitShape(this.edges, k)); });
  }

  get active() { return this.slot >= 0; }

  /** Opens the crop mode for one image.
   *  @param {number} slot @param {{ blob: Blob, width: number, height: number, name: string }} image its size as decoded
   *  @param {Slot} s the slot's spec: its crop and turn @param {string} title @param {HTMLElement | null} opener */
  async open(slot, image, s, title, opener) {
    this.close(false);
    const gen = ++this.gen;
    let bitmap;
    try {
      // As the renderer does, an image's EXIF orientation is applied: "as decoded" is upright.
      bitmap = await createImageBitmap(image.blob, { imageOrientation: 'from-image' });
    } catch (err) {
      if (gen === this.gen) this.o.onError(`“${image.name}” can't be shown for cropping in this browser (${err instanceof Error ? err.message : String(err)}); the crop numbers under Image still work.`);
      return;
    }
    if (gen !== this.gen) { bitmap.close(); return; }
    this.bitmap = bitmap;
    this.slot = slot;
    this.rotate = s.rotate || 0;
    const turned = this.rotate === 90 || this.rotate === 270;
    this.size = turned ? { w: bitmap.height, h: bitmap.width } : { w: bitmap.width, h: bitmap.height };
    this.title.textContent = title;
    this.aspect.value = 'free';
    this.start = edgesOf(cropToCuts(s));
    this.edges = this.start;
    this.opener = opener;
    this.o.root.hidden = false;
    this.o.onOpen();
    this.layout();
    this.place();
    this.rect.focus({ preventScroll: true });
    this.o.root.scrollIntoView({ block: 'nearest' });
  }

  /** Sizes the view to the room it has and draws the image. */
  layout() {
    const bmp = this.bitmap;
    if (!bmp || !this.active) return;
    const pad = 2 * parseFloat(getComputedStyle(/** @type {HTMLElement} */ (this.frame.parentElement)).paddingLeft || '0');
    const availW = Math.max(1, /** @type {HTMLElement} */ (this.frame.parentElement).clientWidth - pad);
    const availH = Math.max(120, this.o.maxHeight() - pad);
    const s = Math.min(availW / this.size.w, availH / this.size.h, 1 / (window.devicePixelRatio || 1) * 4);
    const cssW = Math.max(1, Math.round(this.size.w * s)), cssH = Math.max(1, Math.round(this.size.h * s));
    this.frame.style.width = `${cssW}px`;
    this.frame.style.height = `${cssH}px`;
    const dpr = window.devicePixelRatio || 1;
    const c = this.canvas;
    c.width = Math.round(cssW * dpr);
    c.height = Math.round(cssH * dpr);
    const ctx = /** @type {CanvasRenderingContext2D} */ (c.getContext('2d'));
    ctx.imageSmoothingQuality = 'high';
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.translate(c.width / 2, c.height / 2);
    ctx.rotate((this.rotate * Math.PI) / 180);
    const turned = this.rotate === 90 || this.rotate === 270;
    const dw = turned ? c.height : c.width, dh = turned ? c.width : c.height;
    ctx.drawImage(bmp, -dw / 2, -dh / 2, dw, dh);
  }

  /** The shape to keep, as width / height in fractions of the shown image; 0 for any. */
  shape() {
    const v = this.aspect.value;
    const { w, h } = this.size;
    if (v === 'image') return 1;
    const m = /^(\d+)\/(\d+)$/.exec(v);
    return m ? (Number(m[1]) / Number(m[2])) * (h / w) : 0;
  }

  /** Moves the rectangle (not the spec) and tells the page, whose crop numbers follow it.
   *  @param {Edges} e */
  set(e) {
    const cuts = cutsOf(e);
    this.edges = edgesOf(cuts);
    this.place();
    this.o.onDraft(this.slot, cuts);
  }

  /** The crop numbers were typed in: the rectangle follows them. @param {Cuts} cuts */
  setCuts(cuts) {
    if (!this.active) return;
    this.aspect.value = 'free';
    this.edges = tidy(edgesOf(cuts));
    this.place();
  }

  place() {
    const e = this.edges;
    for (const el of [this.rect, this.hole]) {
      el.style.left = `${e.l * 100}%`;
      el.style.top = `${e.t * 100}%`;
      el.style.width = `${(e.r - e.l) * 100}%`;
      el.style.height = `${(e.b - e.t) * 100}%`;
    }
    const cuts = cutsOf(e);
    const kept = `${pct(e.r - e.l)} × ${pct(e.b - e.t)}`;
    const px = `${Math.max(1, Math.round((e.r - e.l) * this.size.w))} × ${Math.max(1, Math.round((e.b - e.t) * this.size.h))} px`;
    this.status.textContent = `Keeps ${kept} of the image (${px}).`;
    this.rect.setAttribute('aria-roledescription', 'crop area');
    this.rect.setAttribute('aria-label', `Crop area, ${kept} of the image. Arrow keys move it; Enter applies, Escape cancels.`);
    for (const h of ['n', 'e', 's', 'w']) {
      const el = this.handles[h];
      const v = Math.round(cuts[SIDE[h]] * 1000) / 10;
      el.setAttribute('aria-valuenow', String(v));
      el.setAttribute('aria-valuemax', String(Math.round((1 - MIN_CROP - cuts[(SIDE[h] + 2) % 4]) * 1000) / 10));
      el.setAttribute('aria-valuetext', `${v} % cut from the ${SIDE_NAME[SIDE[h]]}`);
    }
  }

  /** @param {PointerEvent} e */
  onPointerDown(e) {
    if (!this.active || (e.button !== 0 && e.pointerType === 'mouse')) return;
    const target = /** @type {HTMLElement | null} */ (e.target instanceof Element ? e.target.closest('[data-h]') : null);
    const h = target ? /** @type {string} */ (target.dataset.h) : 'new';
    e.preventDefault(); // no text selection, no scrolling; focus is set by hand
    (target || this.rect).focus({ preventScroll: true });
    const box = this.frame.getBoundingClientRect();
    const at = (/** @type {PointerEvent} */ ev) => ({ x: clamp((ev.clientX - box.left) / box.width, 0, 1), y: clamp((ev.clientY - box.top) / box.height, 0, 1) });
    const p0 = at(e);
    const start = h === 'new' ? { l: p0.x, r: p0.x, t: p0.y, b: p0.y } : { ...this.edges };
    try { this.frame.setPointerCapture(e.pointerId); } catch { /* synthetic pointers may not be capturable */ }
    this.o.root.classList.add('dragging');
    const move = (/** @type {PointerEvent} */ ev) => {
      if (ev.pointerId !== e.pointerId) return;
      const p = at(ev);
      const dx = p.x - p0.x, dy = p.y - p0.y;
      // A new rectangle grows from where the drag began, towards the pointer.
      const handle = h === 'new' ? `${dy < 0 ? 'n' : 's'}${dx < 0 ? 'w' : 'e'}` : h;
      if (h === 'new' && Math.abs(dx) < 0.01 && Math.abs(dy) < 0.01) return; // a click outside changes nothing
      this.set(resized(start, handle, dx, dy, this.shape()));
    };
    const end = (/** @type {PointerEvent} */ ev) => {
      if (ev.pointerId !== e.pointerId) return;
      this.o.root.classList.remove('dragging');
      this.frame.removeEventListener('pointermove', move);
      this.frame.removeEventListener('pointerup', end);
      this.frame.removeEventListener('pointercancel', end);
    };
    this.frame.addEventListener('pointermove', move);
    this.frame.addEventListener('pointerup', end);
    this.frame.addEventListener('pointercancel', end);
  }

  /** @param {KeyboardEvent} e */
  onKey(e) {
    if (!this.active) return;
    const t = /** @type {HTMLElement} */ (e.target);
    if (e.key === 'Escape') { e.preventDefault(); this.cancel(); return; }
    // Enter applies when it is let go: focus goes back to the button that opened the mode, and a
    // key still down would press it again.
    if (e.key === 'Enter' && !(t instanceof HTMLButtonElement || t instanceof HTMLSelectElement)) { e.preventDefault(); this.enter = true; return; }
    const d = ARROWS[e.key];
    const h = t.dataset.h || (t === this.rect ? 'move' : '');
    if (!d || !h || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    const step = e.shiftKey ? BIG_STEP : STEP;
    // A handle moves only along the axes it has: the top edge up and down, a corner both ways.
    const dx = h === 'move' || /[ew]/.test(h) ? d[0] * step : 0;
    const dy = h === 'move' || /[ns]/.test(h) ? d[1] * step : 0;
    if (!dx && !dy) return;
    this.set(resized(this.edges, h, dx, dy, this.shape()));
  }

  /** Back to the crop the mode opened with, still open. */
  reset() {
    if (this.active) this.set(this.start);
  }

  apply() {
    if (!this.active) return;
    const slot = this.slot, cuts = cutsOf(this.edges);
    this.close(true);
    this.o.onApply(slot, cuts);
  }

  cancel() { this.close(true); }

  /** @param {boolean} tell say so to the page (it shows the preview again) */
  close(tell) {
    this.gen++;
    if (this.bitmap) { this.bitmap.close(); this.bitmap = null; }
    if (!this.active) return;
    const slot = this.slot;
    this.slot = -1;
    this.enter = false;
    this.o.root.hidden = true;
    this.o.root.classList.remove('dragging');
    if (tell) this.o.onClose(slot);
    // The page may have drawn its controls again meanwhile: the opener is found again by its id.
    const back = this.opener && (this.opener.isConnected ? this.opener : document.getElementById(this.opener.id));
    this.opener = null;
    if (tell && back) back.focus({ preventScroll: true });
  }
}

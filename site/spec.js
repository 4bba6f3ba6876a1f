// @ts-check
// The meme spec the renderer takes (memeforge.d.ts), and the small rules the editor keeps so every
// spec it sends is one the renderer accepts. The limits, fields and defaults are the renderer's,
// from contract.js; only the editor's own choices (placeholder words, the smallest box a drag may
// leave) live here.

import { spec as rules } from './contract.js';

/** @typedef {import('./memeforge').CaptionBox} CaptionBox */
/** A box as the editor keeps it: every field present. @typedef {Required<CaptionBox>} Box */
/** @typedef {import('./memeforge').Canvas} Canvas */
/** @typedef {import('./memeforge').Slot} Slot */
/** @typedef {{ canvas?: Canvas, boxes: Box[] }} EditorSpec */

export const MAX_BOXES = rules.maxBoxes;
export const MAX_CHARS = rules.maxTextLen;
export const MIN_BOX = 0.04; // smallest width/height a drag or key press may leave a box
export const RANGES = rules.ranges;

// No label background and no shadow: the Go defaults leave those fields out.
const NONE = { background: '', shadow: '' };

/** @param {'top' | 'bottom' | 'middle'} where @returns {Box} */
export function defaultBox(where = 'top') {
  if (where === 'top') return { ...rules.defaultSpec.boxes[0], ...NONE, text: 'Top text' };
  if (where === 'bottom') return { ...rules.defaultSpec.boxes[1], ...NONE, text: 'Bottom text' };
  return { ...rules.newBox, ...NONE, text: 'New caption' };
}

/** A box as the renderer reads one with fields left out: each missing field takes Go's default.
 *  @returns {Box} */
function goDefaultBox() {
  const d = rules.defaults;
  return {
    text: '', x: 0, y: 0, w: 1, h: 1, align: d.align, valign: d.valign, font: d.font, size: 'auto', minSize: d.minSize,
    fill: d.fill, outline: d.outline, outlineWidth: 0, transform: d.transform, rotation: 0, ...NONE,
  };
}

/** @returns {EditorSpec} */
export function defaultSpec() {
  return { boxes: [defaultBox('top'), defaultBox('bottom')] };
}

/** @param {number} v @param {number} lo @param {number} hi */
export const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
/** @param {number} v */
const round4 = (v) => Math.round(v * 10000) / 10000;

/** Keeps a box inside the image and its numbers tidy (the renderer refuses out-of-range values).
 *  @param {Box} b @returns {Box} */
export function normalizeBox(b) {
  b.w = round4(clamp(b.w, MIN_BOX, RANGES.w.max));
  b.h = round4(clamp(b.h, MIN_BOX, RANGES.h.max));
  b.x = round4(clamp(b.x, RANGES.x.min, RANGES.x.max - b.w));
  b.y = round4(clamp(b.y, RANGES.y.min, RANGES.y.max - b.h));
  b.rotation = clamp(Math.round(b.rotation), RANGES.rotation.min, RANGES.rotation.max);
  b.outlineWidth = clamp(b.outlineWidth, RANGES.outlineWidth.min, RANGES.outlineWidth.max);
  if (typeof b.text === 'string' && b.text.length > MAX_CHARS) b.text = b.text.slice(0, MAX_CHARS);
  return b;
}

/** A saved spec may come from an older page, a template from a spec.json with fields left out: keeps
 *  only the known fields of each box and fills any that are missing as the renderer would. The
 *  canvas is kept as it is (the renderer checks it).
 *  @param {any} spec @returns {EditorSpec} */
export function sanitizeSpec(spec) {
  if (!spec || !Array.isArray(spec.boxes)) return defaultSpec();
  const boxes = spec.boxes.slice(0, MAX_BOXES).map((/** @type {any} */ b) => {
    /** @type {Record<string, unknown>} */
    const out = { ...goDefaultBox() };
    for (const k of rules.fields) if (b && k in b && typeof b[k] === typeof out[k]) out[k] = b[k];
    if (b && typeof b.size === 'number') out.size = b.size;
    return normalizeBox(/** @type {Box} */ (out));
  });
  return spec.canvas && typeof spec.canvas === 'object' ? { canvas: structuredClone(spec.canvas), boxes } : { boxes };
}

/** How many images the spec takes. @param {EditorSpec} spec */
export const slotCount = (spec) => (spec.canvas && spec.canvas.images && spec.canvas.images.length) || 1;

/** The spec's slot i, made editable: a spec without a canvas gets one whose single slot is the
 *  whole image (the same meme), so a crop or a turn has a place in the spec.
 *  @param {EditorSpec} spec @param {number} i @returns {Slot} */
export function editableSlot(spec, i) {
  if (!spec.canvas) spec.canvas = {};
  if (!spec.canvas.images || !spec.canvas.images.length) spec.canvas.images = [{ x: 0, y: 0, w: 1, h: 1 }];
  return spec.canvas.images[i];
}

/** What the renderer is given: boxes with no visible text are left out (an empty caption draws
 *  nothing). index maps a rendered box back to the editor's.
 *  @param {EditorSpec} spec @returns {{ json: string, index: number[] }} */
export function renderSpec(spec) {
  /** @type {Record<string, unknown>[]} */
  const boxes = [];
  /** @type {number[]} */
  const index = [];
  const band = spec.canvas && spec.canvas.band;
  spec.boxes.forEach((b, i) => {
    // A caption bar's box stays even when empty: the bar is still there, one line tall.
    if (b.text.trim() === '' && !(band && band.box === i)) return;
    /** @type {Record<string, unknown>} */
    const out = {};
    for (const k of rules.fields) out[k] = b[k];
    boxes.push(out);
    index.push(i);
  });
  if (!spec.canvas) return { json: JSON.stringify({ boxes }), index };
  const canvas = band ? { ...spec.canvas, band: { ...band, box: index.indexOf(band.box) } } : spec.canvas;
  return { json: JSON.stringify({ canvas, boxes }), index };
}

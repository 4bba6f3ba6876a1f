// @ts-check
// The meme spec the renderer takes (memeforge.d.ts), and the small rules the editor keeps so every
// spec it sends is one the renderer accepts. The limits, fields and defaults are the renderer's,
// from contract.js; only the editor's own choices (placeholder words, the smallest box a drag may
// leave) live here.

import { spec as rules } from './contract.js';

/** @typedef {import('./memeforge').CaptionBox} CaptionBox */
/** A box as the editor keeps it: every field present but the optional styles (label background, shadow).
 *  @typedef {Required<Omit<CaptionBox, 'background' | 'shadow'>> & Pick<CaptionBox, 'background' | 'shadow'>} Box */
/** @typedef {{ boxes: Box[] }} EditorSpec */

export const MAX_BOXES = rules.maxBoxes;
export const MAX_CHARS = rules.maxTextLen;
export const MIN_BOX = 0.04; // smallest width/height a drag or key press may leave a box
export const RANGES = rules.ranges;

/** @param {'top' | 'bottom' | 'middle'} where @returns {Box} */
export function defaultBox(where = 'top') {
  if (where === 'top') return { ...rules.defaultSpec.boxes[0], text: 'Top text' };
  if (where === 'bottom') return { ...rules.defaultSpec.boxes[1], text: 'Bottom text' };
  return { ...rules.newBox, text: 'New caption' };
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

/** A saved spec may come from an older page: keeps only the known fields of each box, fills any
 *  that are missing from the defaults.
 *  @param {any} spec @returns {EditorSpec} */
export function sanitizeSpec(spec) {
  if (!spec || !Array.isArray(spec.boxes)) return defaultSpec();
  const boxes = spec.boxes.slice(0, MAX_BOXES).map((/** @type {any} */ b) => {
    /** @type {Record<string, unknown>} */
    const out = { ...defaultBox('middle') };
    for (const k of rules.fields) if (b && k in b && typeof b[k] === typeof out[k]) out[k] = b[k];
    if (b && typeof b.size === 'number') out.size = b.size;
    return normalizeBox(/** @type {Box} */ (out));
  });
  return { boxes };
}

/** What the renderer is given: boxes with no visible text are left out (an empty caption draws
 *  nothing). index maps a rendered box back to the editor's.
 *  @param {EditorSpec} spec @returns {{ json: string, index: number[] }} */
export function renderSpec(spec) {
  /** @type {Record<string, unknown>[]} */
  const boxes = [];
  /** @type {number[]} */
  const index = [];
  spec.boxes.forEach((b, i) => {
    if (b.text.trim() === '') return;
    /** @type {Record<string, unknown>} */
    const out = {};
    for (const k of rules.fields) out[k] = b[k];
    boxes.push(out);
    index.push(i);
  });
  return { json: JSON.stringify({ boxes }), index };
}

// The meme spec the renderer takes (see plan: boxes with fractions of the image), and the small
// rules the editor keeps so every spec it sends is one the renderer accepts.

export const MAX_BOXES = 20;
export const MAX_CHARS = 500;
export const MIN_BOX = 0.04; // smallest width/height a drag or key press may leave a box

// The fields of a box, in the order the renderer documents them. Anything else is an error there,
// so the editor never adds its own fields to a box.
const FIELDS = ['text', 'x', 'y', 'w', 'h', 'align', 'valign', 'font', 'size', 'minSize', 'fill',
  'outline', 'outlineWidth', 'transform', 'rotation'];

export function defaultBox(where = 'top') {
  const base = {
    text: '', x: 0.05, y: 0.03, w: 0.9, h: 0.2, align: 'center', valign: 'top', font: 'anton',
    size: 'auto', minSize: 0.02, fill: '#ffffff', outline: '#000000', outlineWidth: 0.006,
    transform: 'upper', rotation: 0,
  };
  if (where === 'top') return { ...base, text: 'Top text' };
  if (where === 'bottom') return { ...base, text: 'Bottom text', y: 0.77, valign: 'bottom' };
  // A new box in the middle of the image.
  return { ...base, text: 'New caption', y: 0.4, valign: 'middle' };
}

export function defaultSpec() {
  return { boxes: [defaultBox('top'), defaultBox('bottom')] };
}

export const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
const round4 = (v) => Math.round(v * 10000) / 10000;

// Keep a box inside the image and its numbers tidy (the renderer refuses out-of-range values).
export function normalizeBox(b) {
  b.w = round4(clamp(b.w, MIN_BOX, 1));
  b.h = round4(clamp(b.h, MIN_BOX, 1));
  b.x = round4(clamp(b.x, 0, 1 - b.w));
  b.y = round4(clamp(b.y, 0, 1 - b.h));
  b.rotation = clamp(Math.round(b.rotation), -180, 180);
  if (typeof b.text === 'string' && b.text.length > MAX_CHARS) b.text = b.text.slice(0, MAX_CHARS);
  return b;
}

// A saved spec may come from an older page: keep only the known fields of each box, fill any that
// are missing from the defaults.
export function sanitizeSpec(spec) {
  if (!spec || !Array.isArray(spec.boxes)) return defaultSpec();
  const boxes = spec.boxes.slice(0, MAX_BOXES).map((b) => {
    const out = defaultBox('middle');
    for (const k of FIELDS) if (b && k in b && typeof b[k] === typeof out[k]) out[k] = b[k];
    if (b && typeof b.size === 'number') out.size = b.size;
    return normalizeBox(out);
  });
  return { boxes };
}

// What the renderer is given: boxes with no visible text are left out (an empty caption is an
// error to the renderer and draws nothing anyway). index maps a rendered box back to the editor's.
export function renderSpec(spec) {
  const boxes = [];
  const index = [];
  spec.boxes.forEach((b, i) => {
    if (b.text.trim() === '') return;
    const out = {};
    for (const k of FIELDS) out[k] = b[k];
    boxes.push(out);
    index.push(i);
  });
  return { json: JSON.stringify({ boxes }), index };
}

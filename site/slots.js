// @ts-check
// The image controls of a meme: for each image slot, replace its image, turn it a quarter turn
// either way, crop it. Non-destructive: the turn and the crop live in the spec
// (canvas.images[i].rotate and .crop) and the original bytes are never changed. The crop is typed
// as how much to cut from each side as the image is shown (after its turn), in percent.

import { editableSlot, slotCount } from './spec.js';

/** @typedef {import('./spec.js').EditorSpec} EditorSpec */
/** @typedef {import('./spec.js').Slot} Slot */

const SIDES = /** @type {const} */ (['top', 'right', 'bottom', 'left']);
const MAX_CUT = 45; // percent from one side; two opposite sides leave at least 10 %

/** The cut from each side of the image as decoded, [top, right, bottom, left], in fractions.
 *  @param {Slot} s */
function sourceCuts(s) {
  const c = s.crop || { x: 0, y: 0, w: 1, h: 1 };
  return [c.y, 1 - c.x - c.w, 1 - c.y - c.h, c.x];
}
/** Cuts as shown: a turn of n quarters moves the source's top to side n. @param {number[]} src @param {number} rotate */
function shownCuts(src, rotate) {
  const n = (rotate / 90) | 0;
  const out = [0, 0, 0, 0];
  src.forEach((v, k) => { out[(k + n) % 4] = v; });
  return out;
}
/** @param {number[]} shown @param {number} rotate */
function toSource(shown, rotate) {
  const n = (rotate / 90) | 0;
  return [0, 1, 2, 3].map((k) => shown[(k + n) % 4]);
}
const r4 = (/** @type {number} */ v) => Math.round(v * 10000) / 10000;

export class SlotControls {
  /** @param {{ list: HTMLElement, onChange: (e: Event, key: string) => void, onReplace: (slot: number, file: File) => void,
   *   accept: string }} parts */
  constructor({ list, onChange, onReplace, accept }) {
    this.list = list;
    this.onChange = onChange;
    this.onReplace = onReplace;
    this.accept = accept;
    /** @type {EditorSpec} */
    this.spec = { boxes: [] };
    /** @type {string[]} */
    this.names = [];
  }

  /** @param {EditorSpec} spec @param {string[]} names the images' names by slot */
  set(spec, names) {
    this.spec = spec;
    this.names = names;
    const n = slotCount(spec);
    this.list.replaceChildren(...Array.from({ length: n }, (_, i) => this.card(i, n)));
  }

  /** @param {number} i @param {number} n */
  card(i, n) {
    const tpl = /** @type {HTMLTemplateElement} */ (document.getElementById('slot-template'));
    const card = /** @type {HTMLElement} */ (/** @type {Element} */ (tpl.content.firstElementChild).cloneNode(true));
    card.dataset.slot = String(i);
    const q = (/** @type {string} */ k) => /** @type {HTMLInputElement} */ (card.querySelector(`[data-s="${k}"]`));
    q('title').textContent = n === 1 ? (this.names[i] || 'Image') : `Image ${i + 1}: ${this.names[i] || 'none yet'}`;
    const file = q('file');
    file.accept = this.accept;
    file.id = `slot-${i}-file`;
    const replace = q('replace');
    replace.setAttribute('aria-label', `Replace image ${i + 1}`);
    replace.addEventListener('click', () => file.click());
    file.addEventListener('change', () => {
      const f = file.files && file.files[0];
      file.value = '';
      if (f) this.onReplace(i, f);
    });
    const current = () => {
      const s = this.spec.canvas && this.spec.canvas.images && this.spec.canvas.images[i];
      return s || { x: 0, y: 0, w: 1, h: 1 };
    };
    for (const [k, turn] of /** @type {const} */ ([['left', 270], ['right', 90]])) {
      const b = q(`rotate-${k}`);
      b.id = `slot-${i}-rotate-${k}`;
      b.addEventListener('click', (e) => {
        const s = editableSlot(this.spec, i);
        const shown = shownCuts(sourceCuts(s), s.rotate || 0);
        s.rotate = /** @type {Slot['rotate']} */ (((s.rotate || 0) + turn) % 360);
        this.setCuts(s, shown); // the same sides stay cut as the picture turns under them
        this.fill(card, current());
        this.onChange(e, ''); // each turn is its own step
      });
    }
    SIDES.forEach((side, k) => {
      const input = q(`crop-${side}`);
      input.id = `slot-${i}-crop-${side}`;
      input.max = String(MAX_CUT);
      /** @type {HTMLLabelElement} */ (card.querySelector(`label[data-for="crop-${side}"]`)).htmlFor = input.id;
      input.addEventListener('input', (e) => {
        const v = Number(input.value);
        if (!Number.isFinite(v) || v < 0 || v > MAX_CUT) return; // keep the last good crop while typing
        const s = editableSlot(this.spec, i);
        const shown = shownCuts(sourceCuts(s), s.rotate || 0);
        shown[k] = v / 100;
        this.setCuts(s, shown);
        this.onChange(e, `crop:${i}:${side}`);
      });
    });
    this.fill(card, current());
    return card;
  }

  /** @param {Slot} s @param {number[]} shown */
  setCuts(s, shown) {
    const [t, r, b, l] = toSource(shown, s.rotate || 0);
    if (t === 0 && r === 0 && b === 0 && l === 0) { delete s.crop; return; }
    s.crop = { x: r4(l), y: r4(t), w: r4(1 - l - r), h: r4(1 - t - b) };
  }

  /** @param {HTMLElement} card @param {Slot} s */
  fill(card, s) {
    const shown = shownCuts(sourceCuts(s), s.rotate || 0);
    SIDES.forEach((side, k) => {
      const input = /** @type {HTMLInputElement} */ (card.querySelector(`[data-s="crop-${side}"]`));
      if (document.activeElement !== input) input.value = String(Math.round(shown[k] * 1000) / 10);
    });
    /** @type {HTMLElement} */ (card.querySelector('[data-s="turn"]')).textContent = s.rotate ? `turned ${s.rotate}°` : '';
  }

  /** Shows the spec's values again (after an undo). @param {EditorSpec} spec */
  refresh(spec) {
    this.set(spec, this.names);
  }
}

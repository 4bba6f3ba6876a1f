// @ts-check
// The image controls of a meme: for each image slot, replace its image, turn it a quarter turn
// either way, crop it (by hand on the image: crop.js; or in numbers). Non-destructive: the turn and
// the crop live in the spec (canvas.images[i].rotate and .crop) and the original bytes are never
// changed. The crop is typed as how much to cut from each side as the image is shown (after its
// turn), in percent; while the crop mode is open for a slot, its numbers follow the rectangle and
// move it.

import { editableSlot, slotCount } from './spec.js';
import { MIN_CROP, cropToCuts, cutsToCrop } from './crop.js';

/** @typedef {import('./spec.js').EditorSpec} EditorSpec */
/** @typedef {import('./spec.js').Slot} Slot */
/** @typedef {import('./crop.js').Cuts} Cuts */

const SIDES = /** @type {const} */ (['top', 'right', 'bottom', 'left']);
const MAX_PCT = Math.round((1 - MIN_CROP) * 100); // two opposite sides together keep at least MIN_CROP

/** @param {Slot} s @param {Cuts} shown */
export function setCuts(s, shown) {
  const c = cutsToCrop(shown, s.rotate || 0);
  if (c) s.crop = c; else delete s.crop;
}

export class SlotControls {
  /** @param {{ list: HTMLElement, onChange: (e: Event, key: string) => void, onReplace: (slot: number, file: File) => void,
   *   onCrop: (slot: number, opener: HTMLElement) => void, onCropTyped: (slot: number, cuts: Cuts) => boolean, accept: string }} parts
   *  onCropTyped: numbers typed while the crop mode is open for the slot; true when it took them */
  constructor({ list, onChange, onReplace, onCrop, onCropTyped, accept }) {
    this.list = list;
    this.onChange = onChange;
    this.onReplace = onReplace;
    this.onCrop = onCrop;
    this.onCropTyped = onCropTyped;
    this.accept = accept;
    /** @type {EditorSpec} */
    this.spec = { boxes: [] };
    /** @type {string[]} */
    this.names = [];
    this.cropping = -1;
    /** @type {{ slot: number, cuts: Cuts } | null} the crop mode's rectangle, not yet applied */
    this.draft = null;
  }

  /** @param {EditorSpec} spec @param {string[]} names the images' names by slot */
  set(spec, names) {
    this.spec = spec;
    this.names = names;
    const n = slotCount(spec);
    // Drawn again (after an undo, a crop): the crop numbers that were open stay open.
    const open = new Set(Array.from(this.list.querySelectorAll('.slot-card'), (c) => /** @type {HTMLElement} */ (c))
      .filter((c) => /** @type {HTMLDetailsElement} */ (c.querySelector('details')).open).map((c) => Number(c.dataset.slot)));
    this.list.replaceChildren(...Array.from({ length: n }, (_, i) => this.card(i, n)));
    open.forEach((i) => { const c = this.cardOf(i); if (c) /** @type {HTMLDetailsElement} */ (c.querySelector('details')).open = true; });
  }

  /** @param {number} i */
  current(i) {
    const s = this.spec.canvas && this.spec.canvas.images && this.spec.canvas.images[i];
    return s || { x: 0, y: 0, w: 1, h: 1 };
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
    replace.id = `slot-${i}-replace`;
    replace.setAttribute('aria-label', `Replace image ${i + 1}`);
    replace.addEventListener('click', () => file.click());
    file.addEventListener('change', () => {
      const f = file.files && file.files[0];
      file.value = '';
      if (f) this.onReplace(i, f);
    });
    const cropButton = q('crop-start');
    cropButton.id = `slot-${i}-crop`;
    cropButton.setAttribute('aria-label', n === 1 ? 'Crop the image by dragging' : `Crop image ${i + 1} by dragging`);
    cropButton.addEventListener('click', () => this.onCrop(i, cropButton));
    for (const [k, turn] of /** @type {const} */ ([['left', 270], ['right', 90]])) {
      const b = q(`rotate-${k}`);
      b.id = `slot-${i}-rotate-${k}`;
      b.addEventListener('click', (e) => {
        const s = editableSlot(this.spec, i);
        const shown = cropToCuts(s);
        s.rotate = /** @type {Slot['rotate']} */ (((s.rotate || 0) + turn) % 360);
        setCuts(s, shown); // the same sides stay cut as the picture turns under them
        this.fill(card, this.current(i));
        this.onChange(e, ''); // each turn is its own step
      });
    }
    const msg = q('crop-msg');
    SIDES.forEach((side, k) => {
      const input = q(`crop-${side}`);
      input.id = `slot-${i}-crop-${side}`;
      input.max = String(MAX_PCT);
      /** @type {HTMLLabelElement} */ (card.querySelector(`label[data-for="crop-${side}"]`)).htmlFor = input.id;
      input.addEventListener('input', (e) => {
        const v = Number(input.value);
        const shown = this.shownNow(card);
        const other = shown[(k + 2) % 4] * 100;
        // Keep the last good crop while typing, and say why.
        let problem = '';
        if (input.value.trim() === '' || !Number.isFinite(v)) problem = `The ${side} cut needs a number from 0 to ${MAX_PCT}.`;
        else if (v < 0) problem = `The ${side} cut can't be below 0 %.`;
        else if (v + other > MAX_PCT + 1e-9) problem = `${cap(side)} and ${SIDES[(k + 2) % 4]} together can cut at most ${MAX_PCT} % (at least ${100 - MAX_PCT} % of the image stays).`;
        input.setAttribute('aria-invalid', String(!!problem));
        msg.textContent = problem ? `${problem} The crop keeps its last good value.` : '';
        if (problem) return;
        shown[k] = v / 100;
        if (this.onCropTyped(i, shown)) return; // the crop mode's rectangle took it
        setCuts(editableSlot(this.spec, i), shown);
        this.onChange(e, `crop:${i}:${side}`);
      });
      input.addEventListener('blur', () => {
        if (input.getAttribute('aria-invalid') !== 'true') return;
        input.removeAttribute('aria-invalid');
        msg.textContent = '';
        input.value = String(Math.round(this.shownNow(card)[k] * 1000) / 10); // the field shows the crop there is
      });
    });
    this.fill(card, this.current(i));
    this.markCropping(card, i === this.cropping);
    return card;
  }

  /** The cuts the card's fields say now, as shown (valid fields only; the spec's elsewhere).
   *  @param {HTMLElement} card @returns {Cuts} */
  shownNow(card) {
    const i = Number(card.dataset.slot);
    return this.draft && this.draft.slot === i ? this.draft.cuts.slice() : cropToCuts(this.current(i));
  }

  /** @param {HTMLElement} card @param {Slot} s */
  fill(card, s) {
    this.fillCuts(card, cropToCuts(s));
    /** @type {HTMLElement} */ (card.querySelector('[data-s="turn"]')).textContent = s.rotate ? `turned ${s.rotate}°` : '';
  }

  /** @param {HTMLElement} card @param {Cuts} shown */
  fillCuts(card, shown) {
    SIDES.forEach((side, k) => {
      const input = /** @type {HTMLInputElement} */ (card.querySelector(`[data-s="crop-${side}"]`));
      if (document.activeElement !== input) input.value = String(Math.round(shown[k] * 1000) / 10);
    });
  }

  /** The crop mode's rectangle for slot i, not yet applied: the fields follow it.
   *  @param {number} i @param {Cuts} cuts */
  showDraft(i, cuts) {
    this.draft = { slot: i, cuts: cuts.slice() };
    const card = this.cardOf(i);
    if (card) this.fillCuts(card, cuts);
  }

  /** The crop mode opened for slot i (or closed: -1). @param {number} i */
  setCropping(i) {
    this.cropping = i;
    if (i < 0) this.draft = null;
    this.list.querySelectorAll('.slot-card').forEach((c) => this.markCropping(/** @type {HTMLElement} */ (c), Number(/** @type {HTMLElement} */ (c).dataset.slot) === i));
  }

  /** @param {HTMLElement} card @param {boolean} on */
  markCropping(card, on) {
    card.classList.toggle('cropping', on);
    const details = /** @type {HTMLDetailsElement} */ (card.querySelector('details'));
    if (on) details.open = true;
    // A turn while cropping would turn the picture under the rectangle: apply or cancel first.
    for (const k of ['rotate-left', 'rotate-right', 'crop-start']) /** @type {HTMLButtonElement} */ (card.querySelector(`[data-s="${k}"]`)).disabled = on;
  }

  /** @param {number} i */
  cardOf(i) { return /** @type {HTMLElement | null} */ (this.list.querySelector(`.slot-card[data-slot="${i}"]`)); }

  /** Shows the spec's values again (after an undo). @param {EditorSpec} spec */
  refresh(spec) {
    this.set(spec, this.names);
  }
}

/** @param {string} s */
const cap = (s) => s[0].toUpperCase() + s.slice(1);

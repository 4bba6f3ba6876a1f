// @ts-check
// The caption editor: a card of controls per box in the panel, and a draggable, resizable outline
// per box over the preview (pointer events, so mouse, pen and touch alike; arrow keys too).
// It edits the spec in place and calls onChange(event) after every change.

import { MAX_BOXES, MIN_BOX, RANGES, clamp, defaultBox, normalizeBox } from './spec.js';
import { fonts as BUNDLED_FONTS } from './contract.js';

/** @typedef {import('./spec.js').Box} Box */
/** @typedef {import('./spec.js').EditorSpec} EditorSpec */
/** @typedef {{ name: string, label: string }} FontChoice */

const KEY_STEP = 0.01;
// The sliders and the size field span the renderer's ranges, in percent and degrees. The size
// field's floor is the editor's own: smaller than 1 % of the image is not a caption.
const SIZE_PCT = { min: 1, max: RANGES.size.max * 100 };
const OUTLINE_PCT = { min: RANGES.outlineWidth.min * 100, max: RANGES.outlineWidth.max * 100 };

/** @param {unknown} c */
function hex6(c) {
  if (typeof c !== 'string') return '#000000';
  if (/^#[0-9a-f]{3}$/i.test(c)) return '#' + [...c.slice(1)].map((d) => d + d).join('');
  if (/^#[0-9a-f]{6}([0-9a-f]{2})?$/i.test(c)) return c.slice(0, 7);
  return '#000000';
}
/** A colour's opacity in percent: "" is none (0), "#rrggbbaa" its alpha, others opaque. @param {string} c */
function alphaPct(c) {
  if (!c) return 0;
  if (/^#[0-9a-f]{8}$/i.test(c)) return Math.round((parseInt(c.slice(7), 16) / 255) * 100);
  if (/^#[0-9a-f]{4}$/i.test(c)) return Math.round((parseInt(c[4] + c[4], 16) / 255) * 100);
  return 100;
}
/** "#rrggbb" at an opacity in percent: "" at 0 (none), "#rrggbb" at 100, "#rrggbbaa" between.
 *  @param {string} rgb @param {number} a */
function withAlpha(rgb, a) {
  if (a <= 0) return '';
  if (a >= 100) return rgb;
  return rgb + Math.round((a / 100) * 255).toString(16).padStart(2, '0');
}
/** "#rrggbb" at an opacity in percent for fill and outline, where "" would mean the default colour:
 *  "#rrggbb00" at 0 (invisible), "#rrggbb" at 100, "#rrggbbaa" between.
 *  @param {string} rgb @param {number} a */
function withOpacity(rgb, a) {
  if (a >= 100) return rgb;
  return rgb + Math.round((Math.max(0, a) / 100) * 255).toString(16).padStart(2, '0');
}
/** @param {number} v */
const pct = (v, digits = 1) => `${(v * 100).toFixed(digits).replace(/\.0+$/, '')}%`;

export class Editor {
  /**
   * @param {{ list: HTMLElement, overlay: HTMLElement, template: HTMLTemplateElement, addButton: HTMLButtonElement,
   *   onChange: (event: Event) => void, onSelect?: (i: number) => void }} parts
   */
  constructor({ list, overlay, template, addButton, onChange, onSelect }) {
    this.list = list;
    this.overlay = overlay;
    this.template = template;
    this.addButton = addButton;
    this.onChange = onChange;
    this.onSelect = onSelect || (() => {});
    /** @type {EditorSpec} */
    this.spec = { boxes: [] };
    /** @type {FontChoice[]} */
    this.fonts = [{ name: BUNDLED_FONTS[0].name, label: BUNDLED_FONTS[0].label }];
    this.selected = 0;
    /** @type {HTMLElement[]} */
    this.cards = [];
    /** @type {HTMLElement[]} */
    this.outlines = [];
    addButton.addEventListener('click', (e) => this.add(e));
  }

  /** @param {EditorSpec} spec @param {number} [selected] */
  setSpec(spec, selected = 0) {
    this.spec = spec;
    this.selected = clamp(selected, 0, Math.max(0, spec.boxes.length - 1));
    this.rebuild();
  }

  /** @param {FontChoice[]} fonts */
  setFonts(fonts) {
    this.fonts = fonts;
    this.cards.forEach((card, i) => this.fillFontSelect(field(card, 'font'), this.spec.boxes[i].font));
  }

  /** @param {HTMLSelectElement | HTMLInputElement | HTMLTextAreaElement} sel @param {string} current */
  fillFontSelect(sel, current) {
    sel.replaceChildren(...this.fonts.map((f) => new Option(f.label, f.name)));
    if (!this.fonts.some((f) => f.name === current)) sel.append(new Option(`${current} (not loaded)`, current));
    sel.value = current;
  }

  /** @param {Event} event */
  add(event) {
    if (this.spec.boxes.length >= MAX_BOXES) return;
    this.spec.boxes.push(defaultBox('middle'));
    this.selected = this.spec.boxes.length - 1;
    this.rebuild();
    const ta = /** @type {HTMLTextAreaElement} */ (this.cards[this.selected].querySelector('textarea'));
    ta.focus();
    ta.select();
    this.onChange(event);
  }

  /** A copy of caption i just below it (or above, at the bottom edge), selected.
   *  @param {number} i @param {Event} event */
  duplicate(i, event) {
    if (this.spec.boxes.length >= MAX_BOXES) return;
    const b = { ...this.spec.boxes[i] };
    b.y = b.y + b.h + 0.02 <= 1 - b.h ? b.y + b.h + 0.02 : Math.max(0, b.y - b.h - 0.02);
    this.spec.boxes.splice(i + 1, 0, normalizeBox(b));
    this.selected = i + 1;
    this.rebuild();
    field(this.cards[this.selected], 'text').focus();
    this.onChange(event);
  }

  /** @param {number} i @param {Event} event */
  remove(i, event) {
    this.spec.boxes.splice(i, 1);
    this.selected = clamp(i, 0, Math.max(0, this.spec.boxes.length - 1));
    this.rebuild();
    if (this.cards.length) field(this.cards[this.selected], 'text').focus();
    else this.addButton.focus();
    this.onChange(event);
  }

  /** @param {number} i */
  select(i) {
    if (i === this.selected && this.cards[i] && this.cards[i].classList.contains('selected')) return;
    this.selected = i;
    this.cards.forEach((c, j) => c.classList.toggle('selected', j === i));
    this.outlines.forEach((o, j) => o.classList.toggle('selected', j === i));
    this.onSelect(i);
  }

  rebuild() {
    this.cards = this.spec.boxes.map((b, i) => this.makeCard(b, i));
    this.list.replaceChildren(...this.cards);
    this.outlines = this.spec.boxes.map((b, i) => this.makeOutline(b, i));
    this.overlay.replaceChildren(...this.outlines);
    this.addButton.disabled = this.spec.boxes.length >= MAX_BOXES;
    this.addButton.title = this.addButton.disabled ? `At most ${MAX_BOXES} captions` : '';
    this.select(this.selected);
  }

  /** @param {number} i */
  describe(i) {
    const t = this.spec.boxes[i].text.trim();
    return `Caption ${i + 1}${t ? `: ${t.length > 40 ? t.slice(0, 40) + '…' : t}` : ' (empty)'}`;
  }

  /** @param {Box} b @param {number} i @returns {HTMLElement} */
  makeCard(b, i) {
    const card = /** @type {HTMLElement} */ (/** @type {Element} */ (this.template.content.firstElementChild).cloneNode(true));
    const id = `box-${i}`;
    card.dataset.index = String(i);
    /** @type {HTMLElement} */ (card.querySelector('.badge')).textContent = String(i + 1);
    /** @type {HTMLElement} */ (card.querySelector('.title-text')).textContent = `Caption ${i + 1}`;
    card.querySelectorAll('label[data-for]').forEach((l) => { const label = /** @type {HTMLLabelElement} */ (l); label.htmlFor = `${id}-${label.dataset.for}`; });
    const rm = /** @type {HTMLButtonElement} */ (card.querySelector('[data-act="remove"]'));
    rm.setAttribute('aria-label', `Remove caption ${i + 1}`);
    rm.addEventListener('click', (e) => this.remove(i, e));
    const dup = /** @type {HTMLButtonElement} */ (card.querySelector('[data-act="duplicate"]'));
    dup.setAttribute('aria-label', `Duplicate caption ${i + 1}`);
    dup.disabled = this.spec.boxes.length >= MAX_BOXES;
    dup.addEventListener('click', (e) => this.duplicate(i, e));
    card.querySelectorAll('[data-k]').forEach((el) => { el.id = `${id}-${/** @type {HTMLElement} */ (el).dataset.k}`; });
    Object.assign(field(card, 'sizePct'), { min: String(SIZE_PCT.min), max: String(SIZE_PCT.max) });
    Object.assign(field(card, 'outlinePct'), { min: String(OUTLINE_PCT.min), max: String(OUTLINE_PCT.max) });
    Object.assign(field(card, 'rotation'), { min: String(RANGES.rotation.min), max: String(RANGES.rotation.max) });
    this.fillFontSelect(field(card, 'font'), b.font);
    this.fillCard(card, b);

    card.addEventListener('focusin', () => this.select(i));
    // Every control here fires "input" (selects and checkboxes too), so one listener covers them.
    card.addEventListener('input', (e) => this.fromCard(card, i, e));
    return card;
  }

  /** @param {HTMLElement} card @param {Box} b */
  fillCard(card, b) {
    const q = (/** @type {string} */ k) => field(card, k);
    if (q('text').value !== b.text) q('text').value = b.text;
    q('font').value = b.font;
    q('sizeMode').value = b.size === 'auto' ? 'auto' : 'fixed';
    q('sizePct').value = b.size === 'auto' ? '8' : String(Math.round(b.size * 1000) / 10);
    /** @type {HTMLElement} */ (q('sizePct').closest('.field')).hidden = b.size === 'auto';
    q('align').value = b.align;
    q('valign').value = b.valign;
    q('fill').value = hex6(b.fill);
    q('outline').value = hex6(b.outline);
    for (const k of /** @type {const} */ (['fill', 'outline'])) {
      const a = alphaPct(b[k]);
      q(`${k}Alpha`).value = String(a);
      /** @type {HTMLElement} */ (card.querySelector(`[data-out="${k}Alpha"]`)).textContent = `${a}%`;
      q(`${k}Alpha`).setAttribute('aria-valuetext', `${a} percent`);
    }
    q('outlinePct').value = String(b.outlineWidth * 100);
    /** @type {HTMLElement} */ (card.querySelector('[data-out="outlineWidth"]')).textContent = pct(b.outlineWidth);
    q('outlinePct').setAttribute('aria-valuetext', `${pct(b.outlineWidth)} of the image height`);
    q('rotation').value = String(b.rotation);
    /** @type {HTMLElement} */ (card.querySelector('[data-out="rotation"]')).textContent = `${b.rotation}°`;
    q('rotation').setAttribute('aria-valuetext', `${b.rotation} degrees`);
    /** @type {HTMLInputElement} */ (q('upper')).checked = b.transform === 'upper';
    for (const k of /** @type {const} */ (['background', 'shadow'])) {
      const a = alphaPct(b[k]);
      q(k).value = b[k] ? hex6(b[k]) : (k === 'background' ? '#ffffff' : '#000000');
      q(`${k}Alpha`).value = String(a);
      /** @type {HTMLElement} */ (card.querySelector(`[data-out="${k}Alpha"]`)).textContent = a ? `${a}%` : 'none';
      q(`${k}Alpha`).setAttribute('aria-valuetext', a ? `${a} percent` : 'none');
    }
  }

  /** @param {HTMLElement} card @param {number} i @param {Event} event */
  fromCard(card, i, event) {
    const b = this.spec.boxes[i];
    const el = /** @type {HTMLInputElement} */ (event.target);
    const k = el.dataset && el.dataset.k;
    if (!k) return;
    switch (k) {
      case 'text': b.text = el.value; this.labelOutline(i); break;
      case 'font': b.font = el.value; break;
      case 'sizeMode': b.size = el.value === 'auto' ? 'auto' : 0.08; break;
      case 'sizePct': {
        const v = Number(el.value);
        if (!Number.isFinite(v) || v <= 0) return; // leave the last good size while the field is being typed in
        b.size = clamp(v, SIZE_PCT.min, SIZE_PCT.max) / 100;
        break;
      }
      case 'align': b.align = /** @type {Box['align']} */ (el.value); break;
      case 'valign': b.valign = /** @type {Box['valign']} */ (el.value); break;
      case 'fill': b.fill = withOpacity(el.value, alphaPct(b.fill)); break;
      case 'outline': b.outline = withOpacity(el.value, alphaPct(b.outline)); break;
      case 'fillAlpha': b.fill = withOpacity(field(card, 'fill').value, Number(el.value)); break;
      case 'outlineAlpha': b.outline = withOpacity(field(card, 'outline').value, Number(el.value)); break;
      case 'outlinePct': b.outlineWidth = clamp(Number(el.value), OUTLINE_PCT.min, OUTLINE_PCT.max) / 100; break;
      case 'rotation': b.rotation = clamp(Math.round(Number(el.value)), RANGES.rotation.min, RANGES.rotation.max); break;
      case 'upper': b.transform = el.checked ? 'upper' : 'none'; break;
      // A colour picked while the opacity is at none makes it show, fully.
      case 'background': case 'shadow': b[k] = withAlpha(el.value, alphaPct(b[k]) || 100); break;
      case 'backgroundAlpha': b.background = withAlpha(field(card, 'background').value, Number(el.value)); break;
      case 'shadowAlpha': b.shadow = withAlpha(field(card, 'shadow').value, Number(el.value)); break;
      default: return;
    }
    if (k !== 'text' && k !== 'sizePct') this.fillCard(card, b);
    if (k === 'rotation') this.placeOutline(i);
    this.onChange(event);
  }

  /** @param {Box} b @param {number} i */
  makeOutline(b, i) {
    const el = document.createElement('div');
    el.className = 'box';
    el.tabIndex = 0;
    el.dataset.index = String(i);
    el.setAttribute('role', 'group');
    el.setAttribute('aria-roledescription', 'movable caption box');
    const badge = document.createElement('span');
    badge.className = 'badge';
    badge.textContent = String(i + 1);
    badge.setAttribute('aria-hidden', 'true');
    const handle = document.createElement('div');
    handle.className = 'handle';
    handle.setAttribute('aria-hidden', 'true');
    el.append(badge, handle);
    el.addEventListener('pointerdown', (e) => this.startDrag(e, i, e.target === handle ? 'resize' : 'move'));
    el.addEventListener('keydown', (e) => this.onKey(e, i));
    el.addEventListener('focus', () => this.select(i));
    this.outlines[i] = el;
    this.placeOutline(i, el);
    this.labelOutline(i, el);
    return el;
  }

  /** @param {number} i @param {HTMLElement} [el] */
  labelOutline(i, el = this.outlines[i]) {
    if (!el) return;
    el.setAttribute('aria-label', `${this.describe(i)}. Arrow keys move, Shift and arrow keys resize, Enter edits the text.`);
  }

  /** @param {number} i @param {HTMLElement} [el] */
  placeOutline(i, el = this.outlines[i]) {
    const b = this.spec.boxes[i];
    if (!el || !b) return;
    el.style.left = `${b.x * 100}%`;
    el.style.top = `${b.y * 100}%`;
    el.style.width = `${b.w * 100}%`;
    el.style.height = `${b.h * 100}%`;
    el.style.transform = b.rotation ? `rotate(${b.rotation}deg)` : '';
  }

  /** @param {KeyboardEvent} e @param {number} i */
  onKey(e, i) {
    const b = this.spec.boxes[i];
    if (e.key === 'Enter') {
      e.preventDefault();
      field(this.cards[i], 'text').focus();
      return;
    }
    /** @type {Record<string, [number, number]>} */
    const arrows = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const d = arrows[e.key];
    if (!d || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    if (e.shiftKey) {
      b.w += d[0] * KEY_STEP;
      b.h += d[1] * KEY_STEP;
    } else {
      b.x += d[0] * KEY_STEP;
      b.y += d[1] * KEY_STEP;
    }
    normalizeBox(b);
    this.placeOutline(i);
    this.onChange(e);
  }

  /** @param {PointerEvent} e @param {number} i @param {'move' | 'resize'} mode */
  startDrag(e, i, mode) {
    if (e.button !== 0 && e.pointerType === 'mouse') return;
    e.preventDefault(); // no text selection, no native drag; focus is set by hand below
    const el = this.outlines[i];
    el.focus({ preventScroll: true });
    this.select(i);
    const b = this.spec.boxes[i];
    const rect = this.overlay.getBoundingClientRect();
    const start = { px: e.clientX, py: e.clientY, x: b.x, y: b.y, w: b.w, h: b.h };
    const rad = (b.rotation * Math.PI) / 180;
    try { el.setPointerCapture(e.pointerId); } catch { /* synthetic pointers may not be capturable */ }
    const move = (/** @type {PointerEvent} */ ev) => {
      if (ev.pointerId !== e.pointerId) return;
      const was = { x: b.x, y: b.y, w: b.w, h: b.h };
      let dx = ev.clientX - start.px;
      let dy = ev.clientY - start.py;
      if (mode === 'move') {
        b.x = start.x + dx / rect.width;
        b.y = start.y + dy / rect.height;
        b.x = clamp(b.x, 0, 1 - b.w);
        b.y = clamp(b.y, 0, 1 - b.h);
      } else {
        // Resize along the box's own axes when it is rotated.
        if (rad) [dx, dy] = [dx * Math.cos(rad) + dy * Math.sin(rad), -dx * Math.sin(rad) + dy * Math.cos(rad)];
        b.w = clamp(start.w + dx / rect.width, MIN_BOX, 1 - b.x);
        b.h = clamp(start.h + dy / rect.height, MIN_BOX, 1 - b.y);
      }
      normalizeBox(b);
      if (b.x === was.x && b.y === was.y && b.w === was.w && b.h === was.h) return; // held still, or against an edge
      this.placeOutline(i);
      this.onChange(ev);
    };
    // No change is reported when the pointer lets go: each move already reported its own, and a
    // plain click (no move) changes nothing.
    const end = (/** @type {PointerEvent} */ ev) => {
      if (ev.pointerId !== e.pointerId) return;
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerup', end);
      el.removeEventListener('pointercancel', end);
    };
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerup', end);
    el.addEventListener('pointercancel', end);
  }
}

/** The control of a card for the field k (data-k), which the template has.
 *  @param {HTMLElement} card @param {string} k */
function field(card, k) {
  return /** @type {HTMLInputElement} */ (card.querySelector(`[data-k="${k}"]`));
}

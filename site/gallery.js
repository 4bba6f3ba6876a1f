// @ts-check
// The template gallery: a modal dialog listing templates/index.json (written by scripts/templates):
// the blank formats, which ask for the person's own image for each slot, and the starter templates,
// which bring their own images (fetched from templates/<name>/...). A native <dialog> opened with
// showModal keeps focus inside, closes on Escape and gives focus back to the opener.

import { ACCEPT_TYPES, InputError, readImage, sniff } from './image-input.js';

/** One entry of templates/index.json; paths are relative to templates/.
 *  @typedef {{ name: string, title: string, blank: boolean, slots: number, spec: string, images: string[],
 *    thumbnail: string, license?: string }} TemplateEntry */
/** What the gallery hands back: the template's spec and one image per slot.
 *  @typedef {{ name: string, title: string, spec: any, images: { bytes: Uint8Array, type: string, name: string }[] }} Picked */

const BASE = 'templates/';

/** @type {Promise<TemplateEntry[]> | null} */
let indexPromise = null;
/** @returns {Promise<TemplateEntry[]>} */
export function loadIndex() {
  if (!indexPromise) {
    indexPromise = fetch(`${BASE}index.json`).then((r) => {
      if (!r.ok) throw new Error(`templates/index.json: HTTP ${r.status}`);
      return r.json();
    }).then((j) => /** @type {TemplateEntry[]} */ (Array.isArray(j) ? j : j.templates));
    indexPromise.catch(() => { indexPromise = null; });
  }
  return indexPromise;
}

/** @param {string} path */
async function fetchBytes(path) {
  const r = await fetch(BASE + path);
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

/** @param {string} tag @param {Record<string, string>} [attrs] @param {(Node | string)[]} [kids] */
function h(tag, attrs = {}, kids = []) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') el.textContent = v; else el.setAttribute(k, v);
  }
  el.append(...kids);
  return el;
}

export class Gallery {
  /** @param {{ maxBytes: () => number, onPick: (p: Picked) => Promise<void> }} opts */
  constructor({ maxBytes, onPick }) {
    this.maxBytes = maxBytes;
    this.onPick = onPick;
    this.dialog = /** @type {HTMLDialogElement} */ (h('dialog', { id: 'gallery', class: 'gallery', 'aria-labelledby': 'gallery-h' }));
    this.body = h('div', { class: 'gallery-body' });
    this.msg = h('p', { class: 'msg error', role: 'alert', id: 'gallery-msg' });
    const close = h('button', { type: 'button', class: 'btn icon', 'aria-label': 'Close the templates', text: 'Close' });
    close.addEventListener('click', () => this.dialog.close());
    this.dialog.append(h('div', { class: 'gallery-head' }, [h('h2', { id: 'gallery-h', text: 'Templates' }), close]), this.msg, this.body);
    // A click on the backdrop (the dialog element itself, outside its content) closes it.
    this.dialog.addEventListener('click', (e) => { if (e.target === this.dialog) this.dialog.close(); });
    document.body.append(this.dialog);
  }

  async open() {
    this.msg.textContent = '';
    if (!this.dialog.open) this.dialog.showModal();
    this.body.replaceChildren(h('p', { class: 'muted', text: 'Loading the templates…' }));
    let list;
    try {
      list = await loadIndex();
    } catch (err) {
      this.body.replaceChildren();
      this.msg.textContent = `The templates couldn't be loaded (${err instanceof Error ? err.message : err}). They work offline once they have been opened online.`;
      return;
    }
    this.showList(list);
  }

  /** @param {TemplateEntry[]} list */
  showList(list) {
    /** @param {string} title @param {string} note @param {TemplateEntry[]} items */
    const section = (title, note, items) => {
      const id = `gallery-${title.toLowerCase().replace(/\W+/g, '-')}`;
      const ul = h('ul', { class: 'gallery-grid', 'aria-labelledby': id });
      for (const t of items) {
        const b = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'gallery-item', 'data-template': t.name }, [
          h('img', { src: BASE + t.thumbnail, alt: '', loading: 'lazy', decoding: 'async' }),
          h('span', { class: 'gallery-title', text: t.title }),
          h('span', { class: 'gallery-note', text: t.blank ? (t.slots === 1 ? 'your image' : `your ${t.slots} images`) : (t.slots === 1 ? 'ready to caption' : `${t.slots} images, ready`) }),
        ]));
        b.addEventListener('click', () => (t.blank ? this.askImages(t, list) : this.pickStarter(t, b)));
        ul.append(h('li', {}, [b]));
      }
      return h('section', {}, [h('h3', { id, text: title }), h('p', { class: 'muted', text: note }), ul]);
    };
    this.body.replaceChildren(
      section('Formats', 'A layout for your own images.', list.filter((t) => t.blank)),
      section('Starters', 'Templates with their own pictures: type your words.', list.filter((t) => !t.blank)),
    );
    const first = /** @type {HTMLElement | null} */ (this.body.querySelector('button'));
    if (first) first.focus();
  }

  /** @param {TemplateEntry} t @param {HTMLButtonElement} button */
  async pickStarter(t, button) {
    button.disabled = true;
    this.msg.textContent = '';
    try {
      const [spec, ...images] = await Promise.all([
        fetch(BASE + t.spec).then((r) => { if (!r.ok) throw new Error(`${t.spec}: HTTP ${r.status}`); return r.json(); }),
        ...t.images.map(async (p) => {
          const bytes = await fetchBytes(p);
          return { bytes, type: sniff(bytes) || 'image/jpeg', name: `${t.name}-${p.split('/').pop()}` };
        }),
      ]);
      await this.onPick({ name: t.name, title: t.title, spec, images });
      this.dialog.close();
    } catch (err) {
      this.msg.textContent = `“${t.title}” couldn't be opened: ${err instanceof Error ? err.message : err}`;
    } finally {
      button.disabled = false;
    }
  }

  /** A form with one file input per slot; "Use" once every slot has an image.
   *  @param {TemplateEntry} t @param {TemplateEntry[]} list */
  askImages(t, list) {
    /** @type {({ bytes: Uint8Array, type: string, name: string } | null)[]} */
    const chosen = Array(t.slots).fill(null);
    const use = /** @type {HTMLButtonElement} */ (h('button', { type: 'submit', class: 'btn primary', id: 'gallery-use', text: 'Make the meme' }));
    use.disabled = true;
    const back = h('button', { type: 'button', class: 'btn', text: 'Back to the templates' });
    back.addEventListener('click', () => this.showList(list));
    const fields = chosen.map((_, i) => {
      const input = /** @type {HTMLInputElement} */ (h('input', { type: 'file', accept: ACCEPT_TYPES, id: `gallery-slot-${i}`, 'data-slot': String(i) }));
      const status = h('span', { class: 'muted', 'aria-live': 'polite' });
      input.addEventListener('change', async () => {
        const f = input.files && input.files[0];
        chosen[i] = null;
        status.textContent = '';
        if (f) {
          try {
            chosen[i] = await readImage(f, this.maxBytes());
            status.textContent = '✓';
          } catch (err) {
            status.textContent = err instanceof InputError ? err.message : String(err);
          }
        }
        use.disabled = chosen.some((c) => !c);
      });
      const label = t.slots === 1 ? 'Your image' : `Image ${i + 1}${i === 0 ? (t.slots === 2 ? ' (top)' : ' (top left)') : ''}`;
      return h('div', { class: 'field' }, [h('label', { for: input.id, text: label }), input, status]);
    });
    const form = /** @type {HTMLFormElement} */ (h('form', { class: 'gallery-form' }, [
      h('h3', { text: t.title }),
      h('img', { src: BASE + t.thumbnail, alt: `The ${t.title} layout`, class: 'gallery-preview' }),
      ...fields, h('div', { class: 'row' }, [use, back]),
    ]));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (chosen.some((c) => !c)) return;
      use.disabled = true;
      this.msg.textContent = '';
      try {
        const spec = await fetch(BASE + t.spec).then((r) => { if (!r.ok) throw new Error(`HTTP ${r.status}`); return r.json(); });
        await this.onPick({ name: t.name, title: t.title, spec, images: /** @type {any} */ (chosen) });
        this.dialog.close();
      } catch (err) {
        this.msg.textContent = `Couldn't make the meme: ${err instanceof Error ? err.message : err}`;
        use.disabled = false;
      }
    });
    this.body.replaceChildren(form);
    /** @type {HTMLElement} */ (fields[0].querySelector('input')).focus();
  }
}

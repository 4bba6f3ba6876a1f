// @ts-check
// The memes kept on this device: the list to switch between them and delete them (a thumbnail, the
// title and when it was last changed), and the thumbnail itself, made from the preview. Each meme's
// spec, choices, publish record, undo history and images live in IndexedDB (storage.js); app.js
// decides what is saved when.

/** A meme as the list shows it. @typedef {{ id: string, title: string, updated: number, thumb?: Blob }} MemeSummary */

const THUMB_W = 160;

/** A small JPEG of what the canvas shows. @param {HTMLCanvasElement} canvas @returns {Promise<Blob | null>} */
export function thumbnail(canvas) {
  if (!canvas.width || !canvas.height) return Promise.resolve(null);
  const w = Math.min(THUMB_W, canvas.width);
  const h = Math.max(1, Math.round((canvas.height * w) / canvas.width));
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  const ctx = /** @type {CanvasRenderingContext2D} */ (c.getContext('2d'));
  ctx.drawImage(canvas, 0, 0, w, h);
  return new Promise((resolve) => c.toBlob((b) => resolve(b), 'image/jpeg', 0.8));
}

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export class MemeList {
  /** @param {{ list: HTMLElement, onOpen: (id: string) => void, onDelete: (id: string) => void }} parts */
  constructor({ list, onOpen, onDelete }) {
    this.list = list;
    this.onOpen = onOpen;
    this.onDelete = onDelete;
    /** @type {string[]} */
    this.urls = [];
  }

  /** @param {MemeSummary[]} memes @param {string} current */
  show(memes, current) {
    for (const u of this.urls) URL.revokeObjectURL(u);
    this.urls = [];
    const sorted = memes.slice().sort((a, b) => b.updated - a.updated);
    this.list.replaceChildren(...sorted.map((m) => {
      const li = document.createElement('li');
      li.className = 'meme-item';
      li.dataset.meme = m.id;
      const open = document.createElement('button');
      open.type = 'button';
      open.className = 'meme-open';
      if (m.id === current) open.setAttribute('aria-current', 'true');
      const img = document.createElement('img');
      img.alt = '';
      img.width = 56;
      if (m.thumb) { const u = URL.createObjectURL(m.thumb); this.urls.push(u); img.src = u; }
      const text = document.createElement('span');
      const title = document.createElement('span');
      title.className = 'meme-title';
      title.textContent = m.title || 'Untitled meme';
      const date = document.createElement('time');
      date.className = 'muted';
      date.dateTime = new Date(m.updated).toISOString();
      date.textContent = when.format(m.updated);
      text.append(title, date);
      open.append(img, text);
      open.addEventListener('click', () => { if (m.id !== current) this.onOpen(m.id); });
      const del = document.createElement('button');
      del.type = 'button';
      del.className = 'btn icon small meme-delete';
      del.textContent = 'Delete';
      del.setAttribute('aria-label', `Delete “${title.textContent}”, ${date.textContent}`);
      del.addEventListener('click', () => this.onDelete(m.id));
      li.append(open, del);
      return li;
    }));
  }
}

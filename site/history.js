// @ts-check
// Undo and redo: the meme's spec after every edit, as JSON, in one list with a cursor, and beside
// each spec the ids of the images it was shown with (one per slot; the bytes stay in storage.js,
// under those ids). Edits of the same kind to the same thing in quick succession (the letters of a
// word, the moves of one drag, a slider's steps) become one step, so undo takes back a gesture, not
// a pixel. The list is plain data: the page keeps it with the meme, so undo works after a reload.

const MERGE_MS = 1000;
const LIMIT = 200;
// Images the list may still go back to, at most: a photo can be 15 MB, so the oldest steps are
// dropped once more distinct images than this are referenced (the current ones always stay).
export const IMAGE_LIMIT = 12;

/** @typedef {{ states: string[], images?: string[][], at: number }} HistoryData */
/** @typedef {{ spec: string, images: string[] }} Step */

/** @param {string[]} a @param {string[]} b */
const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
/** @param {unknown} v @returns {v is string[]} */
const isIds = (v) => Array.isArray(v) && v.every((s) => typeof s === 'string');

export class History {
  /** @param {string} initial the spec as JSON @param {string[]} images the images' ids, by slot
   *  @param {HistoryData} [saved] */
  constructor(initial, images, saved) {
    /** @type {string[]} */
    this.states = [initial];
    /** @type {string[][]} */
    this.images = [images.slice()];
    this.at = 0;
    if (saved && Array.isArray(saved.states) && saved.states.length && saved.states.every((s) => typeof s === 'string') &&
        Number.isInteger(saved.at) && saved.at >= 0 && saved.at < saved.states.length) {
      this.states = saved.states.slice();
      // A list saved before images were part of it: every step had the images shown now.
      this.images = Array.isArray(saved.images) && saved.images.length === saved.states.length && saved.images.every(isIds)
        ? saved.images.map((ids) => ids.slice()) : saved.states.map(() => images.slice());
      this.at = saved.at;
      this.states[this.at] = initial; // the spec as opened (a page may tidy a saved spec) is the step shown
      this.images[this.at] = images.slice();
    }
    this.lastKey = '';
    this.lastAt = 0;
  }

  /** Records the spec and images after an edit. key names the kind of edit and what it touched: a
   *  repeat within MERGE_MS replaces the step it continues.
   *  @param {string} json @param {string[]} images @param {string} key @param {number} [now]
   *  @returns {boolean} whether anything changed */
  record(json, images, key, now = Date.now()) {
    if (json === this.states[this.at] && same(images, this.images[this.at])) return false;
    const merge = key && key === this.lastKey && now - this.lastAt < MERGE_MS && this.at > 0 && this.at === this.states.length - 1 &&
      same(images, this.images[this.at]);
    this.states.length = this.at + 1; // a new edit drops what was undone
    this.images.length = this.at + 1;
    if (merge) this.states[this.at] = json;
    else { this.states.push(json); this.images.push(images.slice()); this.at++; }
    this.trim();
    this.lastKey = key;
    this.lastAt = now;
    return true;
  }

  /** Drops the oldest steps past LIMIT, and while they keep more than IMAGE_LIMIT images. */
  trim() {
    let drop = Math.max(0, this.states.length - LIMIT);
    while (drop < this.at && distinct(this.images.slice(drop)) > IMAGE_LIMIT) drop++;
    if (!drop) return;
    this.states.splice(0, drop);
    this.images.splice(0, drop);
    this.at -= drop;
  }

  get canUndo() { return this.at > 0; }
  get canRedo() { return this.at < this.states.length - 1; }

  /** @returns {Step | null} the step to show, or null */
  undo() {
    if (!this.canUndo) return null;
    this.lastKey = '';
    return this.step(--this.at);
  }

  /** @returns {Step | null} */
  redo() {
    if (!this.canRedo) return null;
    this.lastKey = '';
    return this.step(++this.at);
  }

  /** @param {number} i @returns {Step} */
  step(i) { return { spec: this.states[i], images: this.images[i].slice() }; }

  /** Every image id a step refers to: what storage must keep. @returns {Set<string>} */
  referenced() { return new Set(this.images.flat().filter(Boolean)); }

  /** @returns {HistoryData} */
  toJSON() { return { states: this.states, images: this.images, at: this.at }; }
}

/** @param {string[][]} lists */
const distinct = (lists) => new Set(lists.flat().filter(Boolean)).size;

// @ts-check
// Undo and redo: the meme's spec after every edit, as JSON, in one list with a cursor. Edits of the
// same kind to the same thing in quick succession (the letters of a word, the moves of one drag,
// a slider's steps) become one step, so undo takes back a gesture, not a pixel. The list is plain
// data: the page keeps it with the meme, so undo works after a reload.

const MERGE_MS = 1000;
const LIMIT = 200;

/** @typedef {{ states: string[], at: number }} HistoryData */

export class History {
  /** @param {string} initial the spec as JSON @param {HistoryData} [saved] */
  constructor(initial, saved) {
    /** @type {string[]} */
    this.states = [initial];
    this.at = 0;
    if (saved && Array.isArray(saved.states) && saved.states.length && saved.states.every((s) => typeof s === 'string') &&
        Number.isInteger(saved.at) && saved.at >= 0 && saved.at < saved.states.length) {
      this.states = saved.states.slice();
      this.at = saved.at;
      this.states[this.at] = initial; // the spec as opened (a page may tidy a saved spec) is the step shown
    }
    this.lastKey = '';
    this.lastAt = 0;
  }

  /** Records the spec after an edit. key names the kind of edit and what it touched: a repeat
   *  within MERGE_MS replaces the step it continues.
   *  @param {string} json @param {string} key @param {number} [now] @returns {boolean} whether anything changed */
  record(json, key, now = Date.now()) {
    if (json === this.states[this.at]) return false;
    const merge = key && key === this.lastKey && now - this.lastAt < MERGE_MS && this.at > 0 && this.at === this.states.length - 1;
    this.states.length = this.at + 1; // a new edit drops what was undone
    if (merge) this.states[this.at] = json;
    else { this.states.push(json); this.at++; }
    if (this.states.length > LIMIT) {
      const drop = this.states.length - LIMIT;
      this.states.splice(0, drop);
      this.at -= drop;
    }
    this.lastKey = key;
    this.lastAt = now;
    return true;
  }

  get canUndo() { return this.at > 0; }
  get canRedo() { return this.at < this.states.length - 1; }

  /** @returns {string | null} the spec to show, or null */
  undo() {
    if (!this.canUndo) return null;
    this.lastKey = '';
    return this.states[--this.at];
  }

  /** @returns {string | null} */
  redo() {
    if (!this.canRedo) return null;
    this.lastKey = '';
    return this.states[++this.at];
  }

  /** @returns {HistoryData} */
  toJSON() { return { states: this.states, at: this.at }; }
}

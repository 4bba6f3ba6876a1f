// @ts-check
// What a caption needs beyond the module, fetched by the render worker: the bundled fonts the
// module names (a render's fontsNeeded -> fonts/<file> -> addFont) and the Twemoji art of the
// emoji it uses (emojiNeeded -> emoji/<key>.svg -> addEmoji). A preview learns both from its own
// render, so a keystroke that needs nothing new is one module call; one that does renders again. Only those, so a Latin meme
// fetches nothing and an Arabic one only the Arabic font. The service worker keeps each file once
// it has been fetched (sw.js, the assets cache), so what was used once works offline.
//
// A fetch never holds the preview for long: each has a timeout, and a failure is reported as a
// worker event and not tried again for RETRY_MS, so typing meanwhile renders at once, with boxes
// where the missing font's characters or the emoji would be (the module lists them in `missing`).

/** @typedef {import('./memeforge').Memeforge} Memeforge */
/** @typedef {import('./messages').WorkerEvent} WorkerEvent */
/** @typedef {{ readonly name: string, readonly file: string, readonly fallback: boolean }} BundledFont */

export const RETRY_MS = 10000;
// Droid Sans Fallback is 4 MB: on a slow line it may take a while; an emoji is about 2 KB.
const FONT_TIMEOUT_MS = 30000;
const EMOJI_TIMEOUT_MS = 10000;

/** @param {string} url @param {number} timeoutMs @returns {Promise<Uint8Array>} */
async function fetchBytes(url, timeoutMs) {
  const resp = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!resp.ok) throw new Error(`${url}: HTTP ${resp.status}`);
  return new Uint8Array(await resp.arrayBuffer());
}

/** @param {unknown} err */
const messageOf = (err) => (err instanceof Error ? (err.name === 'TimeoutError' ? 'timed out' : err.message) : String(err));

export class AssetLoader {
  /** @param {readonly BundledFont[]} fonts contract.js `fonts` @param {(e: WorkerEvent) => void} post */
  constructor(fonts, post) {
    this.fonts = fonts;
    this.post = post;
    /** font name or emoji key -> when its last fetch failed @type {Map<string, number>} */
    this.failedAt = new Map();
  }

  /** @param {string} id */
  waiting(id) {
    const t = this.failedAt.get(id);
    return t !== undefined && Date.now() - t < RETRY_MS;
  }

  /** Fetches and adds the fonts and emoji art specJSON needs; never rejects.
   *  @param {Memeforge} mf @param {string} specJSON */
  async load(mf, specJSON) {
    const [fonts, emoji] = await Promise.all([mf.fontsNeeded(specJSON), mf.emojiNeeded(specJSON)]);
    await this.add(mf, { fontsNeeded: fonts, emojiNeeded: emoji });
  }

  /** Fetches and adds what a render said it needs (memeforge Needs), except what failed within
   *  RETRY_MS; never rejects. Resolves to how many were added: when 0 the render already drew
   *  everything it can, and need not be done again.
   *  @param {Memeforge} mf @param {import('./memeforge').Needs} needs @returns {Promise<number>} */
  async add(mf, needs) {
    if (needs.fontsNeeded.length === 0 && needs.emojiNeeded.length === 0) return 0;
    const [fonts, emoji] = await Promise.all([this.loadFonts(mf, needs.fontsNeeded), this.loadEmoji(mf, needs.emojiNeeded)]);
    return fonts + emoji;
  }

  /** In the module's order: an earlier fallback is tried first for a character.
   *  @param {Memeforge} mf @param {string[]} names @returns {Promise<number>} how many were added */
  async loadFonts(mf, names) {
    let added = 0;
    for (const name of names) {
      const f = this.fonts.find((f) => f.name === name);
      if (!f || this.waiting(name)) continue;
      this.post({ event: 'fonts', loading: name });
      try {
        await mf.addFont(name, await fetchBytes(`fonts/${f.file}`, FONT_TIMEOUT_MS), f.fallback);
        this.failedAt.delete(name);
        added++;
      } catch (err) {
        this.failedAt.set(name, Date.now());
        this.post({ event: 'fonts', failed: name, error: messageOf(err) });
      } finally {
        this.post({ event: 'fonts', loading: '' });
      }
    }
    return added;
  }

  /** All at once: a caption's few emoji are small files.
   *  @param {Memeforge} mf @param {string[]} keys @returns {Promise<number>} how many were added */
  async loadEmoji(mf, keys) {
    const todo = keys.filter((k) => !this.waiting(k));
    if (todo.length === 0) return 0;
    this.post({ event: 'emoji', loading: todo.length });
    /** @type {string[]} */
    const failed = [];
    let error = '';
    await Promise.all(todo.map(async (key) => {
      try {
        await mf.addEmoji(key, await fetchBytes(`emoji/${key}.svg`, EMOJI_TIMEOUT_MS));
        this.failedAt.delete(key);
      } catch (err) {
        this.failedAt.set(key, Date.now());
        failed.push(key);
        error = messageOf(err);
      }
    }));
    if (failed.length) this.post({ event: 'emoji', failed, error });
    this.post({ event: 'emoji', loading: 0 });
    return todo.length - failed.length;
  }
}

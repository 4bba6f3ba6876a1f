// @ts-check
// The page's words for what the renderer could not draw (RenderResult.missing): each entry is
// drawn as a box, and is listed with every code point it is made of, since an entry may be a
// sequence (an emoji with a skin tone, a ZWJ family, a flag) whose parts are each fine alone.

/** "U+1F44D U+1F3FD" for "👍🏽". @param {string} s */
export function codePoints(s) {
  return Array.from(s, (c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`).join(' ');
}

/** The message for missing (empty: none). @param {string[]} missing */
export function missingMessage(missing) {
  if (!missing || missing.length === 0) return '';
  const one = missing.length === 1;
  const list = missing.map((c) => `“${c}” (${codePoints(c)})`).join(', ');
  return `No font or emoji art here can draw ${list}; ${one ? 'it is' : 'they are'} drawn as ${one ? 'a box' : 'boxes'} in the meme. Load a font that has ${one ? 'it' : 'them'}, or change the text.`;
}

/** The message while emoji art could not be fetched. @param {string[]} keys Twemoji keys @param {string} error */
export function emojiFailedMessage(keys, error) {
  const chars = keys.map((k) => String.fromCodePoint(...k.split('-').map((h) => parseInt(h, 16))));
  return `Couldn't load the art for ${chars.map((c) => `“${c}”`).join(', ')} (${error}); ${chars.length === 1 ? 'it is' : 'they are'} drawn as ${chars.length === 1 ? 'a box' : 'boxes'} until it loads.`;
}

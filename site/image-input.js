// @ts-check
// Getting an image in: type check by the file's first bytes (a name or a browser-given type can lie,
// and pasted images have no name), size check against the upload limit, clear messages. The formats
// and their magic bytes are the renderer's (contract.js); its refusals arrive as error codes.

import { image } from './contract.js';

const labels = image.formats.map((f) => f.label);
export const ACCEPTED = `${labels.slice(0, -1).join(', ')} or ${labels.at(-1)}`;
/** the file input's accept attribute */
export const ACCEPT_TYPES = image.formats.map((f) => f.mime).join(',');

export class InputError extends Error {}

/** The media type of bytes, or '' when they are not a format memeforge opens.
 *  @param {Uint8Array} b @returns {string} */
export function sniff(b) {
  const at = (/** @type {{ offset: number, bytes: readonly number[] }} */ m) =>
    b.length >= m.offset + m.bytes.length && m.bytes.every((v, i) => b[m.offset + i] === v);
  const f = image.formats.find((f) => f.magic.some((sig) => sig.every(at)));
  return f ? f.mime : '';
}

/** @param {number} n */
export function formatBytes(n) {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MB`;
}

/** @type {Record<string, string>} */
const KNOWN_OTHER = {
  'image/heic': 'HEIC', 'image/heif': 'HEIF', 'image/avif': 'AVIF', 'image/svg+xml': 'SVG',
  'image/bmp': 'BMP', 'image/tiff': 'TIFF',
};

/** Checks a File/Blob and returns its bytes and sniffed type, or throws an InputError whose
 *  message is meant for the person who chose the file.
 *  @param {Blob & { name?: string }} file @param {number} maxBytes
 *  @returns {Promise<{ bytes: Uint8Array, type: string, name: string }>} */
export async function readImage(file, maxBytes) {
  const name = file.name ? `“${file.name}”` : 'The pasted image';
  if (file.size === 0) throw new InputError(`${name} is empty.`);
  if (file.size > maxBytes) {
    throw new InputError(`${name} is ${formatBytes(file.size)}; the limit is ${formatBytes(maxBytes)}. Choose a smaller image.`);
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const type = sniff(bytes);
  if (!type) {
    const other = KNOWN_OTHER[file.type];
    if (other) throw new InputError(`${name} is a ${other} image, which memeforge can't open. Use ${ACCEPTED}.`);
    throw new InputError(`${name} isn't an image memeforge can open. Use ${ACCEPTED}.`);
  }
  return { bytes, type, name: file.name || 'pasted image' };
}

/** The first file of a DataTransfer (drop or paste); null if none.
 *  @param {DataTransfer | null} dt @returns {File | null} */
export function firstFile(dt) {
  if (!dt) return null;
  if (dt.files && dt.files.length) return dt.files[0];
  for (const item of dt.items || []) {
    if (item.kind === 'file') {
      const f = item.getAsFile();
      if (f) return f;
    }
  }
  return null;
}

/** @typedef {import('./contract.js').ErrorCode} ErrorCode */

/** Words for people for each way the renderer refuses an image, by error code; the renderer's own
 *  text is kept at the end for anyone reporting a problem. Codes not listed get the generic words.
 *  @type {Partial<Record<ErrorCode, (label: string, err: { message: string, width?: number, height?: number }) => string>>} */
export const DECODE_MESSAGES = {
  image_too_large: (label, err) => {
    const mp = (/** @type {number} */ n) => `${Math.round(n / 1e6)} megapixels`;
    const size = err.width && err.height ? ` is ${err.width} × ${err.height} pixels (${mp(err.width * err.height)});` : ' is too big:';
    return `${label}${size} memeforge opens images up to ${mp(image.maxPixels)}. Choose a smaller image.`;
  },
  image_corrupt: (label, err) => `${label} looks damaged or incomplete: its image data can't be decoded. (${err.message})`,
  image_empty: (label, err) => `${label} has no pixels to draw on. (${err.message})`,
  unsupported_format: (label) => `${label} isn't an image memeforge can open. Use ${ACCEPTED}.`,
  too_many_frames: (label) => `${label} has more than ${image.maxFrames.toLocaleString('en')} frames; memeforge plays GIFs of up to ${image.maxFrames.toLocaleString('en')} frames. Shorten the animation or choose another.`,
  animation_too_long: (label) => `${label} is too big to play: its frames come to more than ${Math.round(image.maxAnimationPixels / 1e6)} megapixels in all (frames × width × height), memeforge's limit for an animation. Use fewer frames or a smaller size.`,
};

/** Turns the renderer's refusal of an image into words for people.
 *  @param {string} name @param {{ code?: string, message: string, width?: number, height?: number }} err */
export function explainDecodeError(name, err) {
  const label = `“${name}”`;
  const words = err.code ? DECODE_MESSAGES[/** @type {ErrorCode} */ (err.code)] : undefined;
  return words ? words(label, err) : `Couldn't open ${label}: ${err.message}`;
}

// Getting an image in: type check by the file's first bytes (a name or a browser-given type can lie,
// and pasted images have no name), size check against the upload limit, clear messages.

export const ACCEPTED = 'JPEG, PNG, GIF or WebP';

export class InputError extends Error {}

// sniff returns the image type of bytes, or '' when they are not one memeforge opens.
export function sniff(b) {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 &&
      b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a) return 'image/png';
  if (b.length >= 6 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38 &&
      (b[4] === 0x37 || b[4] === 0x39) && b[5] === 0x61) return 'image/gif';
  if (b.length >= 12 && b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 &&
      b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return 'image/webp';
  return '';
}

export function formatBytes(n) {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MB`;
}

const KNOWN_OTHER = {
  'image/heic': 'HEIC', 'image/heif': 'HEIF', 'image/avif': 'AVIF', 'image/svg+xml': 'SVG',
  'image/bmp': 'BMP', 'image/tiff': 'TIFF',
};

// readImage checks a File/Blob and returns its bytes and sniffed type, or throws an InputError
// whose message is meant for the person who chose the file.
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

// firstFile picks the first file from a DataTransfer (drop or paste); null if none.
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

// explainDecodeError turns the renderer's decode error into words for people; the renderer's own
// text is kept at the end for anyone reporting a problem.
export function explainDecodeError(name, message) {
  const label = `“${name}”`;
  const big = /(\d+)x(\d+) is (\d+) pixels, over the limit of (\d+)/.exec(message);
  if (big) {
    const mp = (n) => `${Math.round(Number(n) / 1e6)} megapixels`;
    return `${label} is ${big[1]} × ${big[2]} pixels (${mp(big[3])}); memeforge opens images up to ${mp(big[4])}. Choose a smaller image.`;
  }
  if (/corrupt or truncated/.test(message)) return `${label} looks damaged or incomplete: its image data can't be decoded. (${message})`;
  if (/empty image|no pixels|0x0/.test(message)) return `${label} has no pixels to draw on. (${message})`;
  if (/unsupported image format/.test(message)) return `${label} isn't an image memeforge can open. Use ${ACCEPTED}.`;
  return `Couldn't open ${label}: ${message}`;
}

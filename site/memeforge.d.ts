// The JS contract of the memeforge WASM module (wasm/main_js.go).
//
// Load it in a Web Worker: importScripts("wasm_exec.js"), then
//   const go = new Go();
//   const { instance } = await WebAssembly.instantiateStreaming(fetch("memeforge.wasm"), go.importObject);
//   go.run(instance);            // never resolves: the module stays alive
//   // globalThis.memeforge is now set
//
// Every method returns a Promise and runs one call at a time. A wrong argument
// (count or type), a bad spec, an undecodable image or a Go panic rejects the
// Promise with an Error whose message starts "memeforge.<method>: "; the
// module keeps working afterwards. Bytes passed in are copied, so the caller
// may reuse or transfer its arrays once the call has returned.

/** A meme spec: caption boxes drawn in order. Fractions are of the image:
 *  x and w of its width; y, h, size, minSize and outlineWidth of its height.
 *  Unknown fields are an error. Limits: 20 boxes, 500 characters a box. */
export interface MemeSpec {
  boxes: CaptionBox[];
}

export interface CaptionBox {
  text: string;
  x: number; y: number; w: number; h: number;   // 0..1; x+w <= 1, y+h <= 1; w, h > 0
  /** default "center" */
  align?: "left" | "center" | "right";
  /** default "middle" */
  valign?: "top" | "middle" | "bottom";
  /** "anton" (built in, default), "dejavu" / "droid" once added, or any addFont name */
  font?: string;
  /** "auto" (default): the largest size at which the wrapped text fits; or a number in (0, 1] */
  size?: "auto" | number;
  /** smallest auto size, 0..1; 0 or absent means 0.02 */
  minSize?: number;
  /** "#rgb" | "#rrggbb" | "#rrggbbaa"; default "#ffffff" */
  fill?: string;
  /** default "#000000" */
  outline?: string;
  /** visible outline thickness outside the glyphs, 0..0.1; 0 or absent: no outline */
  outlineWidth?: number;
  /** default "none" */
  transform?: "upper" | "none";
  /** degrees clockwise about the box centre, -360..360 */
  rotation?: number;
}

export interface ImageInfo {
  /** size after EXIF orientation */
  width: number;
  height: number;
  format: "jpeg" | "png" | "gif" | "webp";
}

export interface FontInfo {
  name: string;
  /** the family name from the font's name table ("" if none) */
  family: string;
}

export interface RenderResult {
  width: number;
  height: number;
  /** width*height*4 bytes, RGBA, straight (not premultiplied) alpha: new ImageData(pixels, width, height) */
  pixels: Uint8ClampedArray;
  /** characters no loaded font covers (drawn as a box), each once */
  missing: string[];
  /** indexes of boxes whose text does not fit even at its minimum or fixed size */
  overflow: number[];
}

export interface Rect { x: number; y: number; width: number; height: number }

export interface PreviewResult extends RenderResult {
  /** this frame's number, from 1; pass it back as `have` once it is on screen */
  frame: number;
  /** the part of the width x height preview that `pixels` holds
   *  (changed.width*changed.height*4 bytes): all of it unless `have` named the previous frame,
   *  then only what differs from it; width 0 when nothing changed.
   *  Draw with putImageData(new ImageData(pixels, changed.width, changed.height), changed.x, changed.y). */
  changed: Rect;
}

/** What stripMetadata found and removed. */
export interface StripResult {
  /** the same image with its metadata removed; the coded pixels are the input's, byte for byte */
  bytes: Uint8Array;
  format: "jpeg" | "png" | "gif" | "webp";
  /** each kind of block removed, once: "exif" | "xmp" | "iptc" | "comment" | "text" | "time" | "trailer" | "other" */
  removed: string[];
  /** true when the removed EXIF held a GPS position */
  location: boolean;
}

export interface Memeforge {
  /** Decodes JPEG, PNG, GIF (first frame) or WebP, upright by EXIF; replaces the previous image.
   *  Rejects images over 50 megapixels (checked from the header), 0x0 and corrupt files. */
  loadImage(bytes: Uint8Array): Promise<ImageInfo>;
  /** Adds a TTF/OTF font under name (lower-cased); fallback=true also appends it to the
   *  per-character fallback list ("dejavu", then "droid", as the site fetches them). */
  addFont(name: string, bytes: Uint8Array, fallback: boolean): Promise<FontInfo>;
  /** Renders specJSON over the image scaled to width x height (integers >= 1). The scaled image
   *  and each unchanged caption are cached, so typing re-rasterizes only the edited caption.
   *  have: the frame the caller shows (0 or absent: none); when it is the previous frame, only
   *  the changed part is redrawn and returned. */
  renderPreview(specJSON: string, width: number, height: number, have?: number): Promise<PreviewResult>;
  /** Renders at the image's full (oriented) resolution. */
  renderFinal(specJSON: string): Promise<RenderResult>;
  /** Renders at full resolution and encodes with Go's encoder; quality 1-100 for "jpeg"
   *  (ignored for "png"). The site prefers canvas convertToBlob on renderFinal's pixels: faster. */
  encode(specJSON: string, format: "png" | "jpeg", quality: number): Promise<Uint8Array>;
  /** Characters of specJSON that no loaded font covers: fetch the fallbacks when non-empty. */
  missingGlyphs(specJSON: string): Promise<string[]>;
  /** Removes EXIF (GPS, camera serials, maker notes), XMP, IPTC, comments, PNG text/time chunks
   *  and trailing bytes without re-encoding; keeps the ICC profile and a JPEG's EXIF orientation
   *  (as a one-tag EXIF block). Rejects what loadImage would not recognise, and corrupt files. */
  stripMetadata(bytes: Uint8Array): Promise<StripResult>;
  /** build version (git describe) */
  readonly version: string;
}

declare global {
  // Set by the module once go.run(instance) has started it.
  var memeforge: Memeforge;
}

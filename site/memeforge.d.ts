// The JS contract of the memeforge WASM module (wasm/main_js.go).
//
// Load it in a Web Worker: importScripts("wasm_exec.js"), then
//   const go = new Go();
//   const { instance } = await WebAssembly.instantiateStreaming(fetch("memeforge.wasm"), go.importObject);
//   self.addEventListener("memeforge:ready", ...);   // dispatched once globalThis.memeforge is set
//   go.run(instance);            // resolves only if the module exits
//
// Every method returns a Promise and runs one call at a time. A wrong argument
// (count or type), a bad spec, an undecodable image or a Go panic rejects the
// Promise with a MemeforgeError: its code says what kind of failure it is (the
// codes are Go's table, meme.ErrorCode, generated into contract.js), its
// message (starting "memeforge.<method>: ") is for people and may change. The
// module keeps working afterwards. Bytes passed in are copied, so the caller
// may reuse or transfer its arrays once the call has returned.
//
// Limits, option values, defaults, font names and image formats are not
// repeated here: contract.js has them, generated from the Go packages.

import type { ErrorCode } from "./contract.js";
export type { ErrorCode };

export interface MemeforgeError extends Error {
  code: ErrorCode;
  /** with code "image_too_large": the image's size from its header */
  width?: number;
  height?: number;
}

/** A meme spec: caption boxes drawn in order. Fractions are of the image:
 *  x and w of its width; y, h, size, minSize and outlineWidth of its height.
 *  Unknown fields are an error. Limits, ranges and defaults: contract.js `spec`. */
export interface MemeSpec {
  /** absent: the boxes over one image, as it always was. Present: a canvas of slots (templates). */
  canvas?: Canvas;
  boxes: CaptionBox[];
}

/** A layout of up to contract.js `spec.maxImages` images (wasm/meme Canvas). Padding is in fractions
 *  of the canvas width; slots in fractions of the content area (the canvas less padding and band);
 *  boxes stay fractions of the whole canvas. */
export interface Canvas {
  /** width / height; 0 or absent: from the first slot's image (as cropped and rotated) */
  aspect?: number;
  /** colour of what no image covers; default white */
  background?: string;
  padding?: { top: number; right: number; bottom: number; left: number };
  /** the image slots in the order images are given (loadImageAt's slot); none: one filling the content */
  images?: Slot[];
  /** a caption bar: boxes[box] set in a plain strip above or below the images, as tall as its text */
  band?: { side: "top" | "bottom"; box: number; size?: number };
}

export interface Slot {
  x: number; y: number; w: number; h: number;
  /** default "cover" */
  fit?: "cover" | "contain";
  /** the part of the image used, fractions of it as decoded (before rotate) */
  crop?: { x: number; y: number; w: number; h: number };
  /** clockwise quarter turns, in degrees */
  rotate?: 0 | 90 | 180 | 270;
}

export interface CaptionBox {
  text: string;
  x: number; y: number; w: number; h: number;   // 0..1; x+w <= 1, y+h <= 1; w, h > 0
  /** default "center" */
  align?: "left" | "center" | "right";
  /** default "middle" */
  valign?: "top" | "middle" | "bottom";
  /** a bundled font (contract.js `fonts`; the first is built in and the default) or any addFont name */
  font?: string;
  /** "auto" (default): the largest size at which the wrapped text fits; or a number in (0, 1] */
  size?: "auto" | number;
  /** smallest auto size, 0..1; 0 or absent means 0.02 */
  minSize?: number;
  /** "#rgb" | "#rrggbb" | "#rrggbbaa"; default "#ffffff" */
  fill?: string;
  /** default "#000000" */
  outline?: string;
  /** visible outline thickness outside the glyphs; 0 or absent: no outline */
  outlineWidth?: number;
  /** default "none" */
  transform?: "upper" | "none";
  /** degrees clockwise about the box centre */
  rotation?: number;
  /** a box behind the text's lines (a label), "#rrggbbaa" for a translucent one; "" or absent: none */
  background?: string;
  /** a drop shadow's colour; "" or absent: none */
  shadow?: string;
}

export interface ImageInfo {
  /** size after EXIF orientation */
  width: number;
  height: number;
  format: "jpeg" | "png" | "gif" | "webp";
  /** the file is an animation (a GIF of 2+ frames, an APNG, an animated WebP), read from its headers */
  animated: boolean;
  /** only the first frame is used (always so for loadImage): for an animated GIF call loadAnimation
   *  to play it; for APNG and animated WebP tell the person only the first frame is used */
  firstFrameOnly: boolean;
}

/** An animated GIF as loadAnimation decoded it. */
export interface AnimationInfo {
  /** the logical screen: every frame's size */
  width: number;
  height: number;
  /** number of frames, 1..2000 */
  frames: number;
  /** each frame's display time in ms, as browsers play it (a stored 0 or 10 ms plays as 100 ms) */
  delays: number[];
  /** as stored: 0 loops forever, -1 no loop extension (plays once), n > 0 plays n+1 times */
  loopCount: number;
  /** how many times to play; 0 = forever */
  plays: number;
}

export interface AnimationFrameResult extends RenderResult, Needs {
  /** the frame index that was rendered */
  frame: number;
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
  pixels: Uint8ClampedArray<ArrayBuffer>;
  /** characters no loaded font covers, and emoji whose art is not loaded (a whole sequence such
   *  as "👍🏽" or "👨‍👩‍👧", one entry of several code points), each drawn as a box; each once */
  missing: string[];
  /** indexes of boxes whose text does not fit even at its minimum or fixed size */
  overflow: number[];
}

export interface Rect { x: number; y: number; width: number; height: number }

export interface PreviewResult extends RenderResult, Needs {
  /** this frame's number, from 1; pass it back as `have` once it is on screen */
  frame: number;
  /** the part of the width x height preview that `pixels` holds
   *  (changed.width*changed.height*4 bytes): all of it unless `have` named the previous frame,
   *  then only what differs from it; width 0 when nothing changed.
   *  Draw with putImageData(new ImageData(pixels, changed.width, changed.height), changed.x, changed.y). */
  changed: Rect;
  /** the size renderFinal draws the spec at (what size() answers); with fit, the preview is this
   *  shape inside the box asked for */
  full: { width: number; height: number };
}

/** What a render learns of the spec it drew beyond its pixels: the same lists fontsNeeded and
 *  emojiNeeded answer, so one call per keystroke is enough. Both empty: nothing to fetch. When
 *  either is not, fetch and add them, then render again to draw them (until then their characters
 *  are boxes, listed in `missing`). */
export interface Needs {
  /** bundled fonts (contract.js `fonts`) the spec needs and the module does not have, in order */
  fontsNeeded: string[];
  /** Twemoji keys of the emoji the spec uses whose art is not loaded, in order of first use */
  emojiNeeded: string[];
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
  /** Decodes JPEG, PNG, GIF (first frame) or WebP (contract.js `image.formats`), upright by EXIF;
   *  replaces the previous image. Rejects images over `image.maxPixels` (checked from the header:
   *  "image_too_large", with width and height), 0x0 ("image_empty"), corrupt ("image_corrupt") and
   *  other files ("unsupported_format"). */
  loadImage(bytes: Uint8Array): Promise<ImageInfo>;
  /** Decodes an image (as loadImage does) into one slot (0..maxImages-1) of a canvas, keeping the
   *  other slots' images; loadImage sets slot 0 and clears the rest. */
  loadImageAt(slot: number, bytes: Uint8Array): Promise<ImageInfo>;
  /** The size renderFinal draws specJSON at with the images loaded: the image's without a canvas;
   *  with one, its shape (which a band's text changes) at its sharpest image's resolution. Fit the
   *  preview to it: renderPreview stretches to whatever size it is asked. */
  size(specJSON: string): Promise<{ width: number; height: number }>;
  /** Adds a TTF/OTF font under name (lower-cased); fallback=true also appends it to the
   *  per-character fallback list (the bundled fallbacks, in contract.js order). */
  addFont(name: string, bytes: Uint8Array, fallback: boolean): Promise<FontInfo>;
  /** Renders specJSON over the image scaled to width x height (integers >= 1). The scaled image
   *  and each unchanged caption are cached, so typing re-rasterizes only the edited caption.
   *  have: the frame the caller shows (0 or absent: none); when it is the previous frame, only
   *  the changed part is redrawn and returned.
   *  fit: width x height is a box: the preview is the meme's own shape (`full`, as size() answers)
   *  inside it, never larger than `full`; the answer's width and height say what was drawn.
   *  One call is a whole keystroke: the answer also lists what the spec needs fetched (Needs). */
  renderPreview(specJSON: string, width: number, height: number, have?: number, fit?: boolean): Promise<PreviewResult>;
  /** Renders at the image's full (oriented) resolution. */
  renderFinal(specJSON: string): Promise<RenderResult>;
  /** Decodes every frame of a GIF and makes it the image (limits are checked from the file's blocks
   *  before decoding: 2000 frames, 200 megapixels as frames x screen, 50 megapixels a frame; a rejection
   *  carries err.code). renderPreview/renderFinal then draw on its first frame.
   *  The page plays it by asking for renderAnimationFrame(spec, i, w, h) every delays[i] ms. */
  loadAnimation(bytes: Uint8Array): Promise<AnimationInfo>;
  /** Frame i (0-based, as shown: disposal and transparency applied) scaled to width x height with the
   *  captions on top. Captions are rasterized once per size and reused for every frame, so a playing
   *  preview costs one frame's composition and scale; a caption edit shows on the next frame asked for.
   *  Always the whole frame (no `have`/`changed` as in renderPreview). */
  renderAnimationFrame(specJSON: string, frame: number, width: number, height: number): Promise<AnimationFrameResult>;
  /** Every frame captioned at full size, encoded as an animated GIF with the source's delays, loop
   *  count, disposal and transparency: Download as .gif, Publish as image/gif. */
  finalGIF(specJSON: string): Promise<Uint8Array<ArrayBuffer>>;
  /** Characters of specJSON that no loaded font covers, and emoji whose art is not loaded (whole
   *  sequences, as RenderResult.missing): fetch the fallbacks (and emojiNeeded's art) when non-empty. */
  missingGlyphs(specJSON: string): Promise<string[]>;
  /** Names of the bundled fonts (contract.js `fonts`) specJSON needs and the module does not
   *  have yet: those its boxes name, and for each character no loaded font covers, the first
   *  fallback that does. Fetch and addFont them (fallbacks with fallback=true) before rendering.
   *  renderPreview and renderAnimationFrame answer the same list (Needs.fontsNeeded). */
  fontsNeeded(specJSON: string): Promise<string[]>;
  /** The colour emoji specJSON's captions use whose art is not loaded yet, as Twemoji keys
   *  ("1f525", "1f44d-1f3fd", "1f468-200d-1f469-200d-1f467"), each once, in order of first use.
   *  Fetch emoji/<key>.svg for each (only those; a caption fetches a few) and pass the bytes to
   *  addEmoji before rendering; until then an emoji draws as a box and is listed in `missing`.
   *  renderPreview and renderAnimationFrame answer the same list (Needs.emojiNeeded). */
  emojiNeeded(specJSON: string): Promise<string[]>;
  /** Adds the Twemoji SVG for key (as emojiNeeded lists it; at most 1 MB); resolves to the key.
   *  Rejects a key that is not lower-case hex code points joined by "-", and SVG the renderer
   *  cannot draw. Emoji are drawn from this art at each render's own size, so one file serves
   *  preview and final. Adding art re-renders the captions on the next call. */
  addEmoji(key: string, bytes: Uint8Array): Promise<string>;
  /** Removes EXIF (GPS, camera serials, maker notes), XMP, IPTC, comments, PNG text/time chunks
   *  and trailing bytes without re-encoding; keeps the ICC profile and a JPEG's EXIF orientation
   *  (as a one-tag EXIF block). Rejects what loadImage would not recognise, and corrupt files. */
  stripMetadata(bytes: Uint8Array): Promise<StripResult>;
  /** Makes a small meme once on a renderer of its own (decode, shape, draw, a two-frame GIF), so
   *  the first real one doesn't pay for V8's first compile of that code; touches nothing the other
   *  methods use. Resolves with how long it took, in ms. */
  warmUp(): Promise<number>;
  /** build version (git describe) */
  readonly version: string;
}

declare global {
  // Set by the module once go.run(instance) has started it.
  var memeforge: Memeforge | undefined;
  interface WorkerGlobalScopeEventMap { "memeforge:ready": Event }
}

// The page <-> render worker protocol (render.js <-> worker.js). Every request carries an id;
// the worker answers each with a Reply of the same id, one at a time in the order received, and
// posts WorkerEvents in between. Pixels and bytes travel as transfers.

import type { AnimationInfo, ErrorCode, FontInfo, ImageInfo, Rect, StripResult } from "./memeforge";

/** What each op takes (besides id and op) and answers. */
export interface Ops {
  /** start: how the worker's start went, for the page's measurements */
  init: { args: {}; result: { version: string; start: StartTimes & { origin: number } } };
  /** memeforge.warmUp: asked while the page waits for a file, so the first meme is quick; ms */
  warmUp: { args: {}; result: number };
  loadImage: { args: { bytes: Uint8Array }; result: ImageInfo };
  /** one slot of a canvas (memeforge.loadImageAt) */
  loadImageAt: { args: { slot: number; bytes: Uint8Array }; result: ImageInfo };
  addFont: { args: { name: string; bytes: Uint8Array; fallback: boolean }; result: FontInfo };
  /** have: the frame the page shows (0: none), so only what changed since is sent.
   *  fit: width x height is the box to fit in: the module renders the meme's shape inside the box,
   *  never larger than the final size (the reply says both), in the same call
   *  (memeforge.renderPreview's fit). */
  preview: { args: { spec: string; width: number; height: number; have: number; fit?: boolean }; result: PreviewReply };
  /** every frame of a GIF (memeforge.loadAnimation); a GIF of one frame is then a still image */
  loadAnimation: { args: { bytes: Uint8Array }; result: AnimationInfo };
  /** one whole frame of the loaded animation, captioned, at width x height (player.js asks for
   *  one at a time, so frames are never queued here) */
  frame: { args: { spec: string; frame: number; width: number; height: number }; result: FrameReply };
  /** quality 0..1, for the browser's encoder; "gif": the animation, every frame captioned (finalGIF) */
  final: { args: { spec: string; format: "png" | "jpeg" | "gif"; quality: number }; result: FinalReply };
  /** the worker's memory: the WASM module's linear memory, which never shrinks, so it is the peak */
  stats: { args: {}; result: { wasmBytes: number } };
  /** the original photo without its location and camera data (memeforge.stripMetadata) */
  strip: { args: { bytes: Uint8Array }; result: StripResult };
}
export type Op = keyof Ops;

/** When each step of the worker's start ended, in ms from the worker's own start (origin: its
 *  performance.timeOrigin, to place them on the page's clock). */
/** What boot.js sends the worker it started: the module it fetched and compiled, with when its
 *  response came and its compile ended (ms since the epoch), or why it couldn't. */
export type Boot = { module: WebAssembly.Module; response: number; compiled: number } | { error: string };

export interface StartTimes {
  /** who fetched and compiled the module: the page (boot.js, inline in index.html) or the worker */
  module: 'page' | 'worker';
  /** memeforge.wasm's response headers arrived */
  response: number;
  /** the module compiled (streaming: while its bytes arrived) */
  compiled: number;
  /** wasm_exec.js, contract.js and fetch-assets.js loaded */
  imports: number;
  /** the Go program set the memeforge global (its runtime and package init done) */
  started: number;

}

export type Request = { [K in Op]: { id: number; op: K } & Ops[K]["args"] }[Op];

export interface PreviewReply {
  width: number;
  height: number;
  pixels: Uint8ClampedArray<ArrayBuffer>;
  frame: number;
  changed: Rect;
  missing: string[];
  overflow: number[];
  renderMs: number;
  /** the final size (memeforge.size), when the request asked to fit */
  full?: { width: number; height: number };
  /** module calls this preview made: 1 unless a font or emoji had to be fetched first */
  calls: number;
}

export interface FrameReply {
  width: number;
  height: number;
  pixels: Uint8ClampedArray<ArrayBuffer>;
  frame: number;
  missing: string[];
  overflow: number[];
  renderMs: number;
  /** module calls this frame made: 1 unless a font or emoji had to be fetched first */
  calls: number;
}

export interface FinalReply {
  /** the encoded meme; absent when the worker has no OffscreenCanvas, and pixels come instead for
   *  the page to encode with its own canvas */
  blob?: Blob;
  pixels?: Uint8ClampedArray<ArrayBuffer>;
  type: "image/png" | "image/jpeg" | "image/gif";
  width: number;
  height: number;
  missing: string[];
  renderMs: number;
  encodeMs: number;
}

/** A failure: code is the module's (contract.js errorCodes), or "worker" for the worker's own. */
export interface ReplyError { code: ErrorCode | "worker"; message: string; width?: number; height?: number }

export type Reply =
  | { id: number; ok: true; result: Ops[Op]["result"] }
  | { id: number; ok: false; error: ReplyError };

export type WorkerEvent =
  | { event: "fonts"; loading: string }
  | { event: "fonts"; failed: string; error: string }
  /** loading: how many emoji files are being fetched (0: done); failed: Twemoji keys not fetched
   *  (drawn as boxes, tried again on a later render) */
  | { event: "emoji"; loading: number }
  | { event: "emoji"; failed: string[]; error: string }
  | { event: "exited" };

/** What the page's RenderClient reports to its onEvent: the worker's events, or its own failure. */
export type ClientEvent = WorkerEvent | { event: "failed"; error: string };

// @ts-check
// Plays an animated GIF on the preview canvas at the GIF's own timing, with the captions on top.
// The clock decides which frame is due; at most one frame is asked of the worker at a time, and a
// frame that falls due while another is being rendered is skipped, never queued, so a busy worker
// makes playback coarser but never late or stalled. Caption edits mark the picture stale: the next
// frame asked for (the due one when playing, the chosen one when paused) carries the new captions.
// The pause/play button and the frame scrubber are keyboard controls labelled for screen readers;
// playback starts paused when the system asks for reduced motion.

/** @typedef {import('./memeforge').AnimationInfo} AnimationInfo */
/** The worker's answer for one frame (messages.d.ts FrameReply).
 *  @typedef {import('./messages').FrameReply} FrameReply */
/** What the page learns of each frame drawn: start is the oldest edit it is the first to show.
 *  @typedef {{ frame: number, start: number | null, sent: number, drawn: number, renderMs: number }} Drawn */

/**
 * @typedef {object} PlayerOptions
 * @property {CanvasRenderingContext2D} ctx the preview canvas
 * @property {{ root: HTMLElement, toggle: HTMLButtonElement, scrub: HTMLInputElement, status: HTMLElement }} controls
 * @property {(frame: number) => Promise<FrameReply>} render frame i with the current spec, at the current preview size
 * @property {(r: FrameReply, d: Drawn) => void} [onFrame] after a frame is on the canvas
 * @property {(err: Error) => void} [onError]
 */

const reducedMotion = typeof matchMedia === 'function' ? matchMedia('(prefers-reduced-motion: reduce)') : null;

export class Player {
  /** @param {PlayerOptions} opts */
  constructor(opts) {
    this.o = opts;
    /** @type {AnimationInfo | null} */
    this.anim = null;
    /** prefix sums of the delays: frame i shows from ends[i-1] to ends[i] ms into a play */
    this.ends = /** @type {number[]} */ ([]);
    this.playing = false;
    this.t0 = 0; // performance.now() at the start of the first play, as if never paused
    this.current = 0; // the frame wanted while paused
    this.shown = -1; // the frame on the canvas
    this.stale = true; // the canvas's captions or size are not the newest
    /** @type {number | null} the oldest edit not yet drawn */
    this.editStart = null;
    this.inflight = false;
    this.held = false; // another image is being opened: ask for nothing meanwhile
    this.gen = 0; // bumped by load/stop, so a late answer for an older animation is dropped
    /** @type {ReturnType<typeof setTimeout> | 0} */
    this.timer = 0;

    const c = opts.controls;
    c.toggle.addEventListener('click', () => (this.playing ? this.pause(true) : this.play()));
    c.scrub.addEventListener('input', () => this.seek(Number(c.scrub.value)));
    reducedMotion?.addEventListener('change', () => { if (reducedMotion.matches) this.pause(false); });
    document.addEventListener('visibilitychange', () => this.pump());
  }

  /** Starts showing a new animation: from frame 0, playing unless reduced motion is asked for.
   *  @param {AnimationInfo} anim */
  load(anim) {
    this.stop();
    this.held = false;
    this.anim = anim;
    let t = 0;
    this.ends = anim.delays.map((d) => (t += Math.max(1, d)));
    const c = this.o.controls;
    c.scrub.min = '0';
    c.scrub.max = String(anim.frames - 1);
    c.scrub.value = '0';
    c.root.hidden = false;
    this.current = 0;
    this.shown = -1;
    this.stale = true;
    this.t0 = performance.now();
    this.playing = !(reducedMotion && reducedMotion.matches);
    this.updateControls(!this.playing);
    this.pump();
  }

  /** Asks the worker for nothing until release: it is opening another image. */
  hold() { this.held = true; }

  release() {
    this.held = false;
    this.pump();
  }

  /** Forgets the animation (a still image is shown now) and hides the controls. */
  stop() {
    this.gen++;
    this.anim = null;
    this.playing = false;
    this.inflight = false;
    this.editStart = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = 0;
    this.o.controls.root.hidden = true;
  }

  get active() { return this.anim !== null; }

  /** The captions or the preview size changed: the next frame drawn shows them.
   *  @param {number} [start] when the edit happened (performance.now() time) */
  refresh(start) {
    if (!this.anim) return;
    this.stale = true;
    if (this.editStart === null && start !== undefined) this.editStart = start;
    this.pump();
  }

  play() {
    if (!this.anim || this.playing) return;
    // Continue from the frame on screen; a finished animation starts over.
    const from = this.ended() ? 0 : (this.current > 0 ? this.ends[this.current - 1] : 0);
    this.t0 = performance.now() - from;
    this.playing = true;
    this.updateControls(false);
    this.pump();
  }

  /** @param {boolean} announce say the frame to screen readers */
  pause(announce) {
    if (!this.anim || !this.playing) return;
    this.playing = false;
    this.current = this.shown >= 0 ? this.shown : this.due().frame;
    if (this.timer) clearTimeout(this.timer);
    this.timer = 0;
    this.updateControls(announce);
  }

  /** Pauses on frame i. @param {number} i */
  seek(i) {
    if (!this.anim) return;
    const f = Math.max(0, Math.min(this.anim.frames - 1, Math.round(i) || 0));
    if (this.playing) this.pause(false);
    this.current = f;
    this.updateControls(true);
    this.pump();
  }

  ended() {
    return !!this.anim && this.anim.plays > 0 && this.current === this.anim.frames - 1 && !this.playing;
  }

  /** The frame due now while playing, and ms until the next one is; finished plays stay on the last.
   *  @returns {{ frame: number, next: number, done: boolean }} */
  due() {
    const anim = /** @type {AnimationInfo} */ (this.anim);
    const total = this.ends[this.ends.length - 1];
    const elapsed = Math.max(0, performance.now() - this.t0);
    if (anim.plays > 0 && elapsed >= total * anim.plays) return { frame: anim.frames - 1, next: Infinity, done: true };
    const at = elapsed % total;
    // binary search: the first frame whose end is after `at`
    let lo = 0, hi = this.ends.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid] > at) hi = mid; else lo = mid + 1;
    }
    return { frame: lo, next: this.ends[lo] - at, done: false };
  }

  /** Asks for the frame that should be on screen, unless one is being rendered (then the answer's
   *  arrival asks again), and sets the clock for the next one. */
  pump() {
    if (!this.anim || this.inflight || this.held) return;
    if (this.timer) { clearTimeout(this.timer); this.timer = 0; }
    let want = this.current;
    if (this.playing) {
      const d = this.due();
      want = d.frame;
      if (d.done) {
        this.playing = false;
        this.current = want;
        this.updateControls(false);
      } else if (document.visibilityState !== 'hidden') {
        // A hidden page draws nothing; visibilitychange pumps again when it is shown.
        this.timer = setTimeout(() => { this.timer = 0; this.pump(); }, Math.max(1, d.next));
      }
    }
    if (want === this.shown && !this.stale) return;
    if (this.playing && document.visibilityState === 'hidden' && !this.stale) return;
    this.request(want);
  }

  /** @param {number} frame */
  request(frame) {
    const gen = this.gen;
    const start = this.editStart;
    this.editStart = null;
    this.stale = false;
    this.inflight = true;
    const sent = performance.now();
    this.o.render(frame).then((r) => {
      if (gen !== this.gen) return;
      const c = this.o.ctx.canvas;
      if (c.width !== r.width || c.height !== r.height) { c.width = r.width; c.height = r.height; }
      this.o.ctx.putImageData(new ImageData(r.pixels, r.width, r.height), 0, 0);
      this.shown = frame;
      if (this.playing) this.o.controls.scrub.value = String(frame);
      this.o.onFrame?.(r, { frame, start, sent, drawn: performance.now(), renderMs: r.renderMs });
    }, (err) => {
      if (gen !== this.gen) return;
      if (start !== null && this.editStart === null) this.editStart = start;
      this.o.onError?.(err instanceof Error ? err : new Error(String(err)));
    }).finally(() => {
      if (gen !== this.gen) return;
      this.inflight = false;
      this.pump();
    });
  }

  /** @param {boolean} announce */
  updateControls(announce) {
    const anim = this.anim;
    if (!anim) return;
    const c = this.o.controls;
    const label = this.playing ? 'Pause' : 'Play';
    c.toggle.textContent = label;
    c.toggle.setAttribute('aria-label', `${label} the animation`);
    const f = this.playing ? this.shown : this.current;
    const text = `Frame ${Math.max(0, f) + 1} of ${anim.frames}`;
    if (!this.playing) c.scrub.value = String(this.current);
    c.scrub.setAttribute('aria-valuetext', text);
    // The live region speaks only when the person paused or chose a frame, not at every frame played.
    if (announce) c.status.textContent = text;
    else if (this.playing) c.status.textContent = '';
  }
}

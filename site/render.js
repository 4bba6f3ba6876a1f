// @ts-check
// The page's side of the render worker: request/response over postMessage, with ids, typed by
// messages.d.ts. A failed request rejects with a RenderError carrying the module's error code.

/** @typedef {import('./messages').Ops} Ops */
/** @typedef {import('./messages').Reply} Reply */
/** @typedef {import('./messages').ReplyError} ReplyError */
/** @typedef {import('./messages').ClientEvent} ClientEvent */

export class RenderError extends Error {
  /** @param {ReplyError} e */
  constructor(e) {
    super(e.message);
    this.code = e.code;
    this.width = e.width;
    this.height = e.height;
  }
}

export class RenderClient {
  /** @param {string} url */
  constructor(url = 'worker.js') {
    // boot.js started the worker already unless it has not run (yet): then start it here.
    const boot = /** @type {{ worker: Worker, errors: ErrorEvent[] } | undefined} */ (/** @type {any} */ (globalThis).memeforgeBoot);
    /** @type {any} */ (globalThis).memeforgeBoot = undefined;
    this.worker = boot && url === 'worker.js' ? boot.worker : new Worker(url);
    this.nextId = 1;
    /** @type {Map<number, { resolve: (v: any) => void, reject: (e: Error) => void }>} */
    this.calls = new Map();
    /** @type {(e: ClientEvent) => void} */
    this.onEvent = () => {};
    this.worker.onmessage = (e) => this.receive(e.data);
    this.worker.onerror = (e) => {
      e.preventDefault();
      this.failAll(new RenderError({ code: 'worker', message: `the renderer failed: ${e.message || 'worker error'}` }));
    };
    /** @type {ErrorEvent | undefined} a failure while the page was loading */
    this.bootError = boot && boot.worker === this.worker ? boot.errors[0] : undefined;
  }

  /**
   * @template {keyof Ops} K
   * @param {K} op
   * @param {Ops[K]['args']} args
   * @param {Transferable[]} [transfer]
   * @returns {Promise<Ops[K]['result']>}
   */
  call(op, args, transfer = []) {
    const id = this.nextId++;
    if (this.bootError) {
      return Promise.reject(new RenderError({ code: 'worker', message: `the renderer failed: ${this.bootError.message || 'worker error'}` }));
    }
    return new Promise((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      this.worker.postMessage({ id, op, ...args }, transfer);
    });
  }

  /** @param {Reply | import('./messages').WorkerEvent} m */
  receive(m) {
    if ('event' in m) { this.onEvent(m); return; }
    const c = this.calls.get(m.id);
    if (!c) return;
    this.calls.delete(m.id);
    if (m.ok) c.resolve(m.result); else c.reject(new RenderError(m.error));
  }

  /** @param {Error} err */
  failAll(err) {
    for (const c of this.calls.values()) c.reject(err);
    this.calls.clear();
    this.onEvent({ event: 'failed', error: err.message });
  }
}

// @ts-check
// Starts the render worker (and with it the WASM module's download and compile) the moment the
// page's head is parsed, before the page's own modules (app.js and the fifteen it imports) have
// loaded: on a cold load the module is most of what the first preview waits for. app.js's
// RenderClient takes the worker over; until then the worker has nothing to answer (it speaks
// only when asked), and a failure to start is kept for the client to report.
'use strict';
(() => {
  const worker = new Worker('worker.js');
  /** @type {ErrorEvent[]} */
  const errors = [];
  worker.onerror = (e) => { e.preventDefault(); errors.push(e); };
  /** @type {any} */ (globalThis).memeforgeBoot = { worker, errors };
})();

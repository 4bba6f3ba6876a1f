// @ts-check
// Starts the renderer as the page's head is parsed, before the page's own modules (app.js and the
// modules it imports) have loaded: on a cold load the module is most of what the first preview
// waits for. It runs inline in index.html (copied there by `go test ./internal/headers -update`,
// which also writes its CSP hash), so nothing waits for a script file. It starts the render
// worker, and fetches and compiles the WASM module here rather than in the worker, so the download
// doesn't wait for worker.js to arrive and start; the compiled module is sent to the worker (a
// worker started without it, or told the page couldn't, fetches the module itself). app.js's
// RenderClient takes the worker over; a failure to start is kept for it to report.
'use strict';
(() => {
  const worker = new Worker('worker.js', { name: 'memeforge-booted' });
  /** @type {ErrorEvent[]} */
  const errors = [];
  worker.onerror = (e) => { e.preventDefault(); errors.push(e); };
  /** @type {any} */ (globalThis).memeforgeBoot = { worker, errors };
  const now = () => performance.timeOrigin + performance.now();
  let response = 0;
  fetch('memeforge.wasm').then(async (resp) => {
    response = now();
    if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
    // compileStreaming takes the body and then refuses a response not labelled application/wasm.
    const wasm = (resp.headers.get('content-type') || '').trim().toLowerCase() === 'application/wasm';
    return wasm ? WebAssembly.compileStreaming(resp) : WebAssembly.compile(await resp.arrayBuffer());
  }).then((module) => {
    /** @type {import('./messages').Boot} */
    const boot = { module, response, compiled: now() };
    worker.postMessage({ boot });
  }).catch((err) => {
    /** @type {import('./messages').Boot} */
    const boot = { error: err instanceof Error ? err.message : String(err) };
    worker.postMessage({ boot });
  });
})();

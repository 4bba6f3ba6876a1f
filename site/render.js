// The page's side of the render worker: request/response over postMessage, with ids.

export class RenderClient {
  constructor(url = 'worker.js') {
    this.worker = new Worker(url);
    this.nextId = 1;
    this.calls = new Map();
    this.onEvent = () => {};
    this.worker.onmessage = (e) => this.receive(e.data);
    this.worker.onerror = (e) => {
      e.preventDefault();
      this.failAll(new Error(`the renderer failed: ${e.message || 'worker error'}`));
    };
  }

  call(op, args = {}, transfer = []) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      this.worker.postMessage({ id, op, ...args }, transfer);
    });
  }

  receive(m) {
    if (m.event) { this.onEvent(m); return; }
    const c = this.calls.get(m.id);
    if (!c) return;
    this.calls.delete(m.id);
    if (m.ok) c.resolve(m.result); else c.reject(new Error(m.error));
  }

  failAll(err) {
    for (const c of this.calls.values()) c.reject(err);
    this.calls.clear();
    this.onEvent({ event: 'failed', error: err.message });
  }
}

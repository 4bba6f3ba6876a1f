// @ts-check
// Measurement hooks for the browser tests and benchmarks (site/e2e), behind one switch: they do
// nothing unless globalThis.memeforgeInstrument is true before the page's scripts run (site/e2e's
// recorder sets it). When on, each hook dispatches a 'memeforge:<name>' event on the document.

/** @type {boolean} */
export const on = /** @type {{ memeforgeInstrument?: boolean }} */ (globalThis).memeforgeInstrument === true;

/** @param {string} name @param {object} detail */
export function emit(name, detail) {
  if (on) document.dispatchEvent(new CustomEvent(`memeforge:${name}`, { detail }));
}

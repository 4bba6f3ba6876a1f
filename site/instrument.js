// @ts-check
// Measurement hooks for the browser tests and benchmarks (site/e2e), behind one switch: they do
// nothing unless globalThis.memeforgeInstrument is true (site/e2e's recorder sets it). The switch
// is read at each hook, not once at load: WebKitWebDriver has no way to run a script before the
// page's own, so there the recorder is installed (and the switch set) just after the page loads.
// When on, each hook dispatches a 'memeforge:<name>' event on the document.

/** @returns {boolean} */
export const on = () => /** @type {{ memeforgeInstrument?: boolean }} */ (globalThis).memeforgeInstrument === true;

/** @param {string} name @param {object} detail */
export function emit(name, detail) {
  if (on()) document.dispatchEvent(new CustomEvent(`memeforge:${name}`, { detail }));
}

// The part of Go's wasm_exec.js (copied into the site by scripts/build-site.sh) the worker uses.
declare class Go {
  importObject: WebAssembly.Imports;
  /** Runs the module's main; resolves when it exits (memeforge's never does). */
  run(instance: WebAssembly.Instance): Promise<void>;
}

// MD5 engines for the worker: WebAssembly (hash-wasm, vendored under ../vendor/hash-wasm/, about
// twice as fast as JavaScript can be) when it loads, else md5.js. Both stream: update() takes
// chunks of any size, so a multi-GB video never has to be in memory at once.
import { MD5 } from "./md5.js";

let wasmFactory = null;

// The UMD build sets globalThis.hashwasm when imported as a module (it finds no `exports`).
// Resolves to hash-wasm's createMD5, or null when the module or its WebAssembly cannot be had
// (an old browser, a CSP without 'wasm-unsafe-eval' for the worker): then md5.js is used.
function loadWasm() {
  if (!wasmFactory) {
    wasmFactory = import("../vendor/hash-wasm/md5.umd.min.js")
      .then(async () => {
        const { createMD5 } = globalThis.hashwasm;
        (await createMD5()).update(new Uint8Array(64)).digest("hex"); // compiles and runs once
        return createMD5;
      })
      .catch(() => null);
  }
  return wasmFactory;
}

class JsEngine {
  constructor() {
    this.md5 = new MD5();
    this.engine = "js";
  }

  update(bytes) {
    this.md5.update(bytes);
  }

  hex() {
    return this.md5.hex();
  }
}

class WasmEngine {
  constructor(hasher) {
    this.hasher = hasher;
    this.engine = "wasm";
  }

  update(bytes) {
    this.hasher.update(bytes);
  }

  hex() {
    return this.hasher.digest("hex");
  }
}

/**
 * A fresh streaming MD5: {update(Uint8Array), hex(), engine: "wasm" | "js"}.
 * @param {"auto" | "js"} [prefer]  "js" forces the JavaScript fallback (tests, benchmark)
 */
export async function createMD5(prefer = "auto") {
  const factory = prefer === "js" ? null : await loadWasm();
  if (factory) {
    try {
      return new WasmEngine(await factory());
    } catch {
      // fall through to JavaScript
    }
  }
  return new JsEngine();
}

/** Start loading the WebAssembly engine now (the worker's warm-up). */
export function prepareMD5() {
  return loadWasm();
}

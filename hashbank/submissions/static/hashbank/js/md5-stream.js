// MD5 engines for the worker, fastest first: our own core, MD5 written directly in WebAssembly
// text (deploy/md5_wat.py, assembled by deploy/vendor.py into ../vendor/md5-wat/; about a fifth
// faster than hash-wasm here, docs/browser-hasher.md); hash-wasm (../vendor/hash-wasm/) if that
// cannot load; md5.js, JavaScript, when no WebAssembly can. All stream: update() takes chunks of
// any size, so a multi-GB video never has to be in memory at once.
import { MD5 } from "./md5.js";

let watModule = null;
let wasmFactory = null;

const STATE = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476]; // RFC 1321, 3.3
const AT = 64; // the module keeps the state at bytes 0..15; the input buffer starts here
const CHUNK = 65536; // input bytes copied into the module's memory per blocks() call

class WatEngine {
  constructor(instance) {
    this.x = instance.exports;
    new Uint32Array(this.x.memory.buffer, 0, 4).set(STATE);
    this.buffer = new Uint8Array(this.x.memory.buffer, AT, CHUNK + 128);
    this.pending = 0; // bytes at the buffer's start not yet hashed (fewer than 64)
    this.length = 0;
    this.engine = "wasm";
  }

  update(bytes) {
    this.length += bytes.length;
    for (let p = 0; p < bytes.length; ) {
      const n = Math.min(CHUNK - this.pending, bytes.length - p);
      this.buffer.set(bytes.subarray(p, p + n), this.pending);
      p += n;
      const filled = this.pending + n;
      const whole = filled & ~63;
      if (whole) this.x.blocks(AT, whole >> 6);
      this.pending = filled - whole;
      if (this.pending) this.buffer.copyWithin(0, whole, filled);
    }
  }

  hex() {
    // RFC 1321, 3.1-3.2: a 1 bit, zeros to 56 bytes mod 64, the length in bits (64-bit LE).
    const end = this.pending < 56 ? 64 : 128;
    this.buffer.fill(0, this.pending, end);
    this.buffer[this.pending] = 0x80;
    const view = new DataView(this.x.memory.buffer, AT + end - 8, 8);
    view.setUint32(0, (this.length % 0x20000000) * 8, true);
    view.setUint32(4, Math.floor(this.length / 0x20000000), true);
    this.x.blocks(AT, end >> 6);
    const digest = new Uint8Array(this.x.memory.buffer, 0, 16);
    return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  }
}

// Resolves to the compiled module of our core, or null when it cannot be had (no WebAssembly, a
// CSP without 'wasm-unsafe-eval' for the worker) or does not give RFC 1321's digest of "abc".
function loadWat() {
  if (!watModule) {
    watModule = import("../vendor/md5-wat/md5-wasm.js")
      .then(async ({ default: base64 }) => {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const module = await WebAssembly.compile(bytes);
        const md5 = new WatEngine(await WebAssembly.instantiate(module, {}));
        md5.update(new Uint8Array([0x61, 0x62, 0x63]));
        return md5.hex() === "900150983cd24fb0d6963f7d28e17f72" ? module : null;
      })
      .catch(() => null);
  }
  return watModule;
}

// The UMD build sets globalThis.hashwasm when imported as a module (it finds no `exports`).
// Resolves to hash-wasm's createMD5, or null when the module or its WebAssembly cannot be had.
function loadHashWasm() {
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

class HashWasmEngine {
  constructor(hasher) {
    this.hasher = hasher;
    this.engine = "hash-wasm";
  }

  update(bytes) {
    this.hasher.update(bytes);
  }

  hex() {
    return this.hasher.digest("hex");
  }
}

/**
 * A fresh streaming MD5: {update(Uint8Array), hex(), engine: "wasm" | "hash-wasm" | "js"}.
 * @param {"auto" | "hash-wasm" | "js"} [prefer]  skip the engines before it (tests, benchmark)
 */
export async function createMD5(prefer = "auto") {
  const module = prefer === "auto" ? await loadWat() : null;
  if (module) {
    try {
      return new WatEngine(await WebAssembly.instantiate(module, {}));
    } catch {
      // fall through to hash-wasm
    }
  }
  const factory = prefer === "js" ? null : await loadHashWasm();
  if (factory) {
    try {
      return new HashWasmEngine(await factory());
    } catch {
      // fall through to JavaScript
    }
  }
  return new JsEngine();
}

/** Start loading the first WebAssembly engine that loads (the worker's warm-up). */
export function prepareMD5() {
  return loadWat().then((module) => module || loadHashWasm());
}

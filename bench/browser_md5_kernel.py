"""Where the browser's MD5 time goes: hash-wasm's MD5 kernel on bytes already in its WebAssembly
memory, the same with the 16 KB copy from JavaScript that hash-wasm's update() makes, and
update() itself with the worker's 8 MB slices, under V8's default tiering, TurboFan only
(`--no-liftoff`) and Liftoff only, the speed of a freshly compiled module MiB by MiB (how
soon V8 tiers up), each beside `openssl speed -elapsed -evp md5` run right after. First, side
by side in each run: hash-wasm's kernel, our own WebAssembly-text core (deploy/md5_wat.py, the
worker's first engine) on the same 16 KB buffer, and openssl, with the load. Prints figures;
asserts nothing.

    .venv/bin/python bench/browser_md5_kernel.py [--mb 256] [--runs 3] [--compare-only]

The kernel is the vendored module's own wasm (the bytes inlined in md5.umd.min.js), instantiated
here without hash-wasm's wrapper, so "kernel" is the code the worker runs with nothing around it.
"""

from __future__ import annotations

import argparse
import os

# bench/ is the script's own directory
from _scratch import serve_pages
from browser_hasher import ARGS, CHROMIUM, STATIC_PARENT, openssl_md5_mb_s

PAGE = b"""<!doctype html><meta charset="utf-8"><title>bench</title>
<script type="module" src="/kernel.js"></script>"""
KERNEL_JS = b"""
const UMD = "/static/hashbank/vendor/hash-wasm/md5.umd.min.js";
const text = await (await fetch(UMD)).text();
const b64 = text.match(/data:"([A-Za-z0-9+\\/=]+)"/)[1];
const wasm = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const { instance } = await WebAssembly.instantiate(wasm, {});
const x = instance.exports;
await import(UMD);
const STEP = 16384;
const { default: ownB64 } = await import("/static/hashbank/vendor/md5-wat/md5-wasm.js");
const ownWasm = Uint8Array.from(atob(ownB64), (c) => c.charCodeAt(0));
const own = (await WebAssembly.instantiate(ownWasm, {})).instance.exports;
const OWN_AT = 64; // the state is at 0..15; the 16 KB buffer after it
function ownInit() {
  new Uint32Array(own.memory.buffer, 0, 4).set([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476]);
}

function source(mb) {
  const buf = new Uint8Array(mb << 20);
  for (let i = 0; i < buf.length; i += 4096) buf[i] = i & 255;
  return buf;
}

// The bytes are in wasm memory already: Hash_Update over one 16 KB buffer, again and again.
window.kernel = (mb) => {
  const mem = new Uint8Array(x.memory.buffer, x.Hash_GetBuffer(), STEP);
  for (let i = 0; i < STEP; i++) mem[i] = (i * 131) & 255;
  const t0 = performance.now();
  x.Hash_Init(0);
  for (let left = mb << 20; left > 0; left -= STEP) x.Hash_Update(STEP);
  x.Hash_Final(0);
  return performance.now() - t0;
};
// The same for our own core: blocks() over one 16 KB buffer in its memory, again and again.
window.ownKernel = (mb) => {
  const mem = new Uint8Array(own.memory.buffer, OWN_AT, STEP);
  for (let i = 0; i < STEP; i++) mem[i] = (i * 131) & 255;
  const t0 = performance.now();
  ownInit();
  for (let left = mb << 20; left > 0; left -= STEP) own.blocks(OWN_AT, STEP / 64);
  return performance.now() - t0;
};
// Our core with the 16 KB copy from JavaScript, as copyKernel.
window.ownCopyKernel = (mb) => {
  const src = source(mb);
  const mem = new Uint8Array(own.memory.buffer, OWN_AT, STEP);
  const t0 = performance.now();
  ownInit();
  for (let p = 0; p < src.length; p += STEP) {
    mem.set(src.subarray(p, p + STEP));
    own.blocks(OWN_AT, STEP / 64);
  }
  return performance.now() - t0;
};
// What hash-wasm's update() does per 16 KB: copy from JavaScript's buffer, then Hash_Update.
window.copyKernel = (mb) => {
  const src = source(mb);
  const mem = new Uint8Array(x.memory.buffer, x.Hash_GetBuffer(), STEP);
  const t0 = performance.now();
  x.Hash_Init(0);
  for (let p = 0; p < src.length; p += STEP) {
    mem.set(src.subarray(p, p + STEP));
    x.Hash_Update(STEP);
  }
  x.Hash_Final(0);
  return performance.now() - t0;
};
// The copy alone.
window.copyOnly = (mb) => {
  const src = source(mb);
  const mem = new Uint8Array(x.memory.buffer, x.Hash_GetBuffer(), STEP);
  const t0 = performance.now();
  for (let p = 0; p < src.length; p += STEP) mem.set(src.subarray(p, p + STEP));
  return performance.now() - t0;
};
// hash-wasm's createMD5().update() with 8 MB slices, as the worker calls it.
window.update = async (mb) => {
  const src = source(mb);
  const md5 = await globalThis.hashwasm.createMD5();
  const t0 = performance.now();
  for (let p = 0; p < src.length; p += 8 << 20) md5.update(src.subarray(p, p + (8 << 20)));
  md5.digest("hex");
  return performance.now() - t0;
};
// A freshly compiled module (as in a new worker), after one 64-byte warm-up like prepareHasher's:
// MB/s of each successive MiB, through the copy, while V8 moves Hash_Update from Liftoff to
// TurboFan.
window.tierUp = async (mb) => {
  const { instance: fresh } = await WebAssembly.instantiate(wasm, {});
  const y = fresh.exports;
  const mem = new Uint8Array(y.memory.buffer, y.Hash_GetBuffer(), STEP);
  y.Hash_Init(0);
  y.Hash_Update(64);
  y.Hash_Final(0);
  const src = source(mb);
  const out = [];
  y.Hash_Init(0);
  for (let p = 0; p < src.length; p += 1 << 20) {
    const t0 = performance.now();
    for (let q = p; q < p + (1 << 20); q += STEP) {
      mem.set(src.subarray(q, q + STEP));
      y.Hash_Update(STEP);
    }
    out.push(Math.round((1 << 20) / 1e3 / (performance.now() - t0)));
  }
  return out;
};
// The same for our core, as md5-stream.js runs it: a fresh module, one block (its "abc" check),
// then 64 KB copies and blocks() calls.
window.ownTierUp = async (mb) => {
  const { instance: fresh } = await WebAssembly.instantiate(ownWasm, {});
  const y = fresh.exports;
  const CHUNK = 65536;
  const mem = new Uint8Array(y.memory.buffer, OWN_AT, CHUNK);
  y.blocks(OWN_AT, 1);
  const src = source(mb);
  const out = [];
  for (let p = 0; p < src.length; p += 1 << 20) {
    const t0 = performance.now();
    for (let q = p; q < p + (1 << 20); q += CHUNK) {
      mem.set(src.subarray(q, q + CHUNK));
      y.blocks(OWN_AT, CHUNK / 64);
    }
    out.push(Math.round((1 << 20) / 1e3 / (performance.now() - t0)));
  }
  return out;
};
window.ready = true;
"""


TIERS = {
    "default tiering": [],
    "TurboFan only (--no-liftoff)": ["--js-flags=--no-liftoff"],
    "Liftoff only": ["--js-flags=--liftoff --no-wasm-tier-up --no-wasm-dynamic-tiering"],
}


def compare(pw: object, server: object, mb: int, runs: int) -> None:
    """Each run: hash-wasm's kernel, ours, then openssl, and the load; default tiering."""
    size = mb * (1 << 20) / 1e6
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    page = browser.new_page()
    page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
    page.wait_for_function("() => window.ready === true")
    for name in ("kernel", "ownKernel"):  # warm both up to TurboFan
        page.evaluate(f"window.{name}(64)")
    print("side by side (default tiering), MB/s; per run the best of 3 alternated measures per")
    print("kernel and the best of 2 openssl runs (a shared machine's load only ever slows one):")
    ratios = []
    for run in range(runs):
        times: dict[str, list[float]] = {"kernel": [], "ownKernel": []}
        for _ in range(3):
            for name, got in times.items():
                got.append(page.evaluate(f"window.{name}({mb})"))
        hw, own = (size * 1e3 / min(got) for got in times.values())
        native = max(openssl_md5_mb_s() or float("nan") for _ in range(2))
        load = os.getloadavg()[0]
        ratios.append((own / hw, own / native, hw / native))
        print(
            f"  run {run + 1}: hash-wasm {hw:4.0f}, ours {own:4.0f} ({own / hw - 1:+.1%}),"
            f" openssl {native:4.0f}; ours {own / native:.0%} of openssl, hash-wasm"
            f" {hw / native:.0%} (load {load:.2f})"
        )
    print(
        "  ours vs hash-wasm: "
        + ", ".join(f"{r[0] - 1:+.1%}" for r in ratios)
        + "; ours of openssl: "
        + ", ".join(f"{r[1]:.0%}" for r in ratios)
    )
    browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=256, help="MiB hashed per measure")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--compare-only", action="store_true", help="only the side-by-side runs")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    server = serve_pages(
        {"/": (PAGE, "text/html"), "/kernel.js": (KERNEL_JS, "text/javascript")}, str(STATIC_PARENT)
    )
    size = args.mb * (1 << 20) / 1e6  # MB (10^6), as openssl prints them
    print(f"load average at start: {os.getloadavg()[0]:.2f}; {args.mb} MiB per measure")
    with sync_playwright() as pw:
        compare(pw, server, args.mb, args.runs)
        if args.compare_only:
            server.shutdown()
            return
        for tier, flags in TIERS.items():
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS + flags)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
            page.wait_for_function("() => window.ready === true")
            print(f"{tier}:")
            for name in (
                "kernel",
                "ownKernel",
                "copyKernel",
                "ownCopyKernel",
                "copyOnly",
                "update",
            ):
                times = [page.evaluate(f"window.{name}({args.mb})") for _ in range(args.runs)]
                first, best = size * 1e3 / times[0], size * 1e3 / min(times)
                print(f"  {name:13s} first {first:6.0f} MB/s, best {best:6.0f} MB/s")
            curve = page.evaluate("window.tierUp(16)")
            print(f"  fresh module, MB/s of each of the first 16 MiB: {curve}")
            curve = page.evaluate("window.ownTierUp(16)")
            print(f"  our fresh module, the same:                     {curve}")
            native = openssl_md5_mb_s()
            load = os.getloadavg()[0]
            print(f"  openssl speed -elapsed -evp md5: {native or 0:.0f} MB/s (load {load:.2f})")
            browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()

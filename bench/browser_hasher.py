"""Browser hasher speed in Debian's headless Chromium: PDQ + MD5 of a 12-megapixel JPEG (decode
included), a 12 MP HEIC, and MD5 throughput (our WebAssembly core, hash-wasm, the JavaScript
fallback) beside OpenSSL's on this machine. Prints figures; asserts nothing.

    .venv/bin/python bench/browser_hasher.py [--md5-mb 1024] [--runs 5]

Targets (issue 15): 12 MP JPEG under 500 ms; browser MD5 at least 80% of OpenSSL's.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
from _scratch import serve_pages  # bench/ is the script's own directory
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
STATIC_PARENT = ROOT / "hashbank" / "submissions"
CHROMIUM = os.environ.get("HASHBANK_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PAGE = b"""<!doctype html><meta charset="utf-8"><title>bench</title>
<input type="file" id="files"><script type="module" src="/bench.js"></script>"""
BENCH_JS = b"""
import { hashFile, prepareHasher } from "/static/hashbank/js/hasher.js";
window.prepare = () => prepareHasher();
import { createMD5 } from "/static/hashbank/js/md5-stream.js";
window.hashOnce = async (md5Engine = "auto") => {
  const file = document.getElementById("files").files[0];
  const t0 = performance.now();
  const result = await hashFile(file, { md5Engine });
  result.wallMs = performance.now() - t0;
  return result;
};
// MD5 of bytes already in memory: the CPU cost alone, without reading the file.
window.md5InMemory = async (mb, prefer) => {
  const buf = new Uint8Array(mb * 1024 * 1024);
  for (let i = 0; i < buf.length; i += 4096) buf[i] = i & 255;
  const md5 = await createMD5(prefer);
  const t0 = performance.now();
  for (let p = 0; p < buf.length; p += 8 << 20) md5.update(buf.subarray(p, p + (8 << 20)));
  md5.hex();
  return [performance.now() - t0, md5.engine];
};
// Reading the file alone, nothing hashed: 8 MB File.slice().arrayBuffer() (what the worker
// does) or file.stream(). When this is near the hashFile figure, the reading is the limit.
window.readOnly = async (how) => {
  const file = document.getElementById("files").files[0];
  const t0 = performance.now();
  let n = 0;
  if (how === "stream") {
    const reader = file.stream().getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) n += r.value.byteLength;
  } else {
    for (let p = 0; p < file.size; p += 8 << 20) n += (await file.slice(p, p + (8 << 20)).arrayBuffer()).byteLength;
  }
  return [performance.now() - t0, n];
};
window.ready = true;
"""


def photo_12mp(path: Path) -> None:
    """A 4000x3000 photo-like JPEG (gradients, blobs, fine noise), ~3-5 MB like a phone's."""
    rng = np.random.default_rng(7)
    y, x = np.mgrid[0:3000, 0:4000].astype(np.float32)
    img = np.stack([128 + 80 * np.sin(x / 97) * np.cos(y / 61), x / 16, 255 - y / 12], -1)
    img += rng.normal(0, 14, img.shape).astype(np.float32)
    Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).save(path, quality=92)


def photo_12mp_heic(path: Path) -> None:
    """The same scene as a 4032x3024 HEIC, the iPhone's size (pillow-heif encodes it)."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    rng = np.random.default_rng(8)
    y, x = np.mgrid[0:3024, 0:4032].astype(np.float32)
    img = np.stack([128 + 80 * np.sin(x / 97) * np.cos(y / 61), x / 16, 255 - y / 12], -1)
    img += rng.normal(0, 14, img.shape).astype(np.float32)
    Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).save(path, format="HEIF", quality=80)


def openssl_md5_mb_s() -> float | None:
    """`openssl speed -elapsed -evp md5` on 16 KB blocks, in MB/s (10^6), or None. -elapsed: wall
    time, like the browser's performance.now() (without it openssl counts CPU time, which a
    shared machine's load does not slow)."""
    try:
        out = subprocess.run(
            ["openssl", "speed", "-elapsed", "-evp", "md5", "-seconds", "2", "-bytes", "16384"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    found = re.search(r"^md5\s+([\d.]+)k", out, re.M)
    return float(found.group(1)) / 1000 if found else None


def hashlib_md5_mb_s(mib: int = 256) -> float:
    """hashlib (OpenSSL's MD5 under Python) on bytes in memory, wall time, MB/s (10^6)."""
    data = os.urandom(1 << 20) * mib
    t0 = time.perf_counter()
    hashlib.md5(data).digest()
    return len(data) / 1e6 / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--md5-mb", type=int, default=1024, help="size of the MD5 test file")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    server = serve_pages(
        {"/": (PAGE, "text/html"), "/bench.js": (BENCH_JS, "text/javascript")}, str(STATIC_PARENT)
    )
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        jpeg = Path(tmp) / "photo-12mp.jpg"
        photo_12mp(jpeg)
        big = Path(tmp) / "video.bin"
        with big.open("wb") as fh:
            block = os.urandom(16 << 20)
            for _ in range(max(1, args.md5_mb // 16)):
                fh.write(block)
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
        page.wait_for_function("() => window.ready === true")

        page.set_input_files("#files", str(jpeg))
        cold = page.evaluate("window.hashOnce()")
        print(
            f"12 MP JPEG ({jpeg.stat().st_size / 1e6:.1f} MB, {cold['width']}x{cold['height']}), PDQ quality {cold['quality']}"
        )
        print(f"  first photo, cold worker:         {cold['wallMs']:7.0f} ms")
        page.reload()
        page.wait_for_function("() => window.ready === true")
        page.evaluate("window.prepare()")
        page.set_input_files("#files", str(jpeg))
        first = page.evaluate("window.hashOnce()")
        print(f"  first photo after prepareHasher(): {first['wallMs']:7.0f} ms")
        rest = [page.evaluate("window.hashOnce()") for _ in range(args.runs)]
        for key, label in (
            ("wallMs", "total, hashFile"),
            ("decodeMs", "decode"),
            ("pdqMs", "PDQ"),
            ("md5Ms", "MD5"),
        ):
            values = [r["wallMs"] if key == "wallMs" else r["timings"][key] for r in rest]
            print(
                f"  {label:24s} median {statistics.median(values):7.0f} ms  (min {min(values):.0f}, max {max(values):.0f}, {len(values)} runs)"
            )

        heic = Path(tmp) / "photo-12mp.heic"
        photo_12mp_heic(heic)
        page.set_input_files("#files", str(heic))
        runs = [page.evaluate("window.hashOnce()") for _ in range(3)]
        print(
            f"12 MP HEIC ({heic.stat().st_size / 1e6:.1f} MB, {runs[0].get('width')}x{runs[0].get('height')}, libheif WebAssembly), PDQ quality {runs[0].get('quality')}"
        )
        print(f"  first HEIC (loads libheif):       {runs[0]['wallMs']:7.0f} ms")
        print(
            f"  total, hashFile, median of next 2: {statistics.median(r['wallMs'] for r in runs[1:]):7.0f} ms"
        )

        # MB/s in 10^6 bytes, as openssl prints them.
        size = big.stat().st_size
        page.set_input_files("#files", str(big))
        print(
            f"MD5 of a {size / 1e6:.0f} MB file via hashFile (File.slice, 8 MB chunks), best of 2:"
        )
        for engine in ("auto", "hash-wasm", "js"):
            md5_runs = [page.evaluate(f"window.hashOnce('{engine}')") for _ in range(2)]
            best = min(r["timings"]["md5Ms"] for r in md5_runs)
            print(f"  {md5_runs[0]['md5Engine']:9s} {size / 1e3 / best:7.0f} MB/s")
        for how in ("slice", "stream"):
            best = min(page.evaluate(f"window.readOnly('{how}')")[0] for _ in range(2))
            print(f"  reading only ({how:6s}) {size / 1e3 / best:7.0f} MB/s")
        # Interleaved with the native figures, so that a shared machine's load hits both alike.
        print("MD5 on bytes in memory (CPU only, 256 MiB), best of 3, wall time:")
        speeds: dict[str, float] = {}
        for engine in ("auto", "hash-wasm", "js"):
            runs = [page.evaluate(f"window.md5InMemory(256, '{engine}')") for _ in range(3)]
            speeds[runs[0][1]] = 256 * (1 << 20) / 1e3 / min(ms for ms, _ in runs)
            print(f"  browser {runs[0][1]:9s}      {speeds[runs[0][1]]:7.0f} MB/s")
        native = openssl_md5_mb_s()
        print(
            f"  openssl speed -elapsed -evp md5 (16 KB blocks): {native:.0f} MB/s"
            if native
            else "  openssl speed: no figure"
        )
        print(
            f"  hashlib.md5 (Python, 256 MiB): {max(hashlib_md5_mb_s() for _ in range(3)):7.0f} MB/s"
        )
        for engine in ("wasm", "hash-wasm"):
            if native and engine in speeds:
                print(f"  browser {engine} / openssl: {speeds[engine] / native:.0%} (target 80%)")
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()

"""Proof of work (issue 17): what checking a proof costs the server, and how long the page's
Web Worker (js/pow-worker.js, WebCrypto SHA-256) takes to solve one in Debian's headless
Chromium at each difficulty. Prints figures; asserts nothing.

    .venv/bin/python bench/proof_of_work.py [--bits 12 14 16 18 20] [--runs 5] [--checks 20000]

The solve time of one challenge is random (geometric, mean 2^bits hashes): the median of
`--runs` challenges is printed with the rate, and the mean time the rate predicts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _scratch import serve_pages  # noqa: E402  (bench/ is the script's own directory)

from hashbank.core import proof_of_work  # noqa: E402

STATIC_PARENT = ROOT / "hashbank" / "submissions"
CHROMIUM = os.environ.get("HASHBANK_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
PAGE = b"""<!doctype html><meta charset="utf-8"><title>bench</title>
<script type="module">
import { solveChallenge } from "/static/hashbank/js/pow.js";
window.solve = async (challenge, bits) => {
  const t0 = performance.now();
  let tried = 0;
  const nonce = await solveChallenge(challenge, bits, { onProgress: (p) => { tried = p.tried; } });
  return { nonce, ms: performance.now() - t0 };
};
window.ready = true;
</script>"""
KEY = b"k" * 32
SUBJECT = "bench-client"


def server_check_cost(checks: int) -> None:
    now = int(time.time())
    challenge = proof_of_work.issue(key=KEY, subject=SUBJECT, bits=16, now=now, ttl=600)
    nonce = proof_of_work.solve(challenge.text, 16)
    for label, text, answer in (
        ("a valid proof (HMAC + one SHA-256)", challenge.text, nonce),
        ("a forged challenge (HMAC only)", challenge.text[:-2] + "AA", nonce),
    ):
        t0 = time.perf_counter()
        for _ in range(checks):
            try:
                proof_of_work.check(key=KEY, subject=SUBJECT, challenge=text, nonce=answer, now=now)
            except proof_of_work.ProofInvalid:
                pass
        us = (time.perf_counter() - t0) / checks * 1e6
        print(f"  server check, {label:38s} {us:6.1f} us")
    t0 = time.perf_counter()
    for _ in range(checks):
        proof_of_work.issue(key=KEY, subject=SUBJECT, bits=16, now=now, ttl=600)
    print(
        f"  server issue of a challenge               {(time.perf_counter() - t0) / checks * 1e6:6.1f} us"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bits", type=int, nargs="+", default=[12, 14, 16, 18, 20])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--checks", type=int, default=20_000)
    args = parser.parse_args()
    print(f"Proof of work, {args.checks} server checks; {args.runs} challenges per difficulty")
    server_check_cost(args.checks)
    from playwright.sync_api import sync_playwright

    server = serve_pages({"/": (PAGE, "text/html")}, str(STATIC_PARENT))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
        page.wait_for_function("() => window.ready === true")
        print("  chromium solve (Web Worker, WebCrypto):")
        for bits in args.bits:
            times, rates = [], []
            for _ in range(args.runs):
                challenge = proof_of_work.issue(
                    key=KEY, subject=SUBJECT, bits=bits, now=int(time.time()), ttl=600
                ).text
                result = page.evaluate("([c, b]) => window.solve(c, b)", [challenge, bits])
                proof_of_work.check(
                    key=KEY,
                    subject=SUBJECT,
                    challenge=challenge,
                    nonce=result["nonce"],
                    now=int(time.time()),
                )  # the browser's answer is one the server accepts
                times.append(result["ms"])
                rates.append((int(result["nonce"]) + 1) / (result["ms"] / 1000))
            rate = statistics.median(rates)
            print(
                f"    {bits:2d} bits: median {statistics.median(times) / 1000:7.2f} s "
                f"(min {min(times) / 1000:.2f}, max {max(times) / 1000:.2f}); "
                f"{rate / 1000:6.0f} k hashes/s; mean predicted {2**bits / rate:7.2f} s"
            )
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()

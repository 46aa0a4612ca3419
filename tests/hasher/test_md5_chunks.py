"""Each MD5 engine gives hashlib's digest whatever the lengths and however the bytes are cut into
update() calls: random lengths 0..10,000 and a few MB, in chunks that straddle the 64-byte block,
the 56-byte padding edge and the WebAssembly core's 64 KB copy buffer (empty chunks included)."""

from __future__ import annotations

import hashlib
import os
import random

import pytest

from hashbank.core.middleware import WORKER_CONTENT_SECURITY_POLICY
from tests.hasher.conftest import HasherHandler, open_hasher_page, serve_hasher

pytestmark = pytest.mark.browser

DATA = os.urandom(5 << 20)
# Hashes DATA's slices [start, end) fed in the given chunk lengths, with createMD5(prefer).
DRIVER = b"""
import { createMD5 } from "/static/hashbank/js/md5-stream.js";
const data = new Uint8Array(await (await fetch("/data.bin")).arrayBuffer());
window.md5Cases = async (prefer, cases) => {
  const out = [];
  for (const [start, chunks] of cases) {
    const md5 = await createMD5(prefer);
    let p = start;
    for (const n of chunks) {
      md5.update(data.subarray(p, p + n));
      p += n;
    }
    out.push([md5.engine, md5.hex()]);
  }
  return out;
};
window.hasherReady = true;
"""
AWKWARD = [0, 1, 55, 56, 63, 64, 65, 127, 4095, 65471, 65535, 65536, 65537, 131073]


class _ChunkHandler(HasherHandler):
    """The test page itself runs under the worker's policy, the one that allows WebAssembly."""

    policy = staticmethod(lambda path: WORKER_CONTENT_SECURITY_POLICY)

    def do_GET(self) -> None:  # noqa: N802
        bodies = {"/driver.js": (DRIVER, "text/javascript"), "/data.bin": (DATA, "octet-stream")}
        if self.path not in bodies:
            return super().do_GET()
        body, ctype = bodies[self.path]
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _cases(rng: random.Random) -> list[tuple[int, list[int]]]:
    lengths = [rng.randrange(10_001) for _ in range(300)] + [0, 10_000]
    lengths += [(1 << 20) + 13, (3 << 20) - 1, 4 << 20]
    cases = []
    for length in lengths:
        chunks, left = [], length
        while left:
            n = min(left, rng.choice(AWKWARD) if rng.random() < 0.7 else rng.randrange(1, 300_000))
            chunks.append(n)
            left -= n
        chunks.insert(rng.randrange(len(chunks) + 1), 0)
        cases.append((rng.randrange(len(DATA) - length + 1), chunks))
    return cases


@pytest.fixture(scope="module")
def chunk_page(chromium):
    with serve_hasher(_ChunkHandler) as url, open_hasher_page(chromium, url) as page:
        yield page


@pytest.mark.parametrize(
    ("prefer", "engine"), [("auto", "wasm"), ("hash-wasm", "hash-wasm"), ("js", "js")]
)
def test_each_md5_engine_gives_hashlibs_digest_however_the_bytes_are_chunked(
    prefer, engine, chunk_page
):
    cases = _cases(random.Random(f"md5-chunks-{prefer}"))
    got = chunk_page.evaluate("([p, c]) => window.md5Cases(p, c)", [prefer, cases])
    for (start, chunks), (got_engine, digest) in zip(cases, got, strict=True):
        want = hashlib.md5(DATA[start : start + sum(chunks)]).hexdigest()
        assert (got_engine, digest) == (engine, want), (start, chunks)

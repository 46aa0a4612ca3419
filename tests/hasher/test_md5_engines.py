"""The WebAssembly MD5s (our core, and hash-wasm, its fallback) and the JavaScript one (md5.js)
give hashlib's digest, through the worker, on every length that matters to a streaming MD5:
empty, around the 64-byte block and its 56-byte padding edge, around hash-wasm's 16 KB and our
core's 64 KB copy buffers, and across the worker's 8 MB read chunks."""

from __future__ import annotations

import hashlib
import os

import pytest

from hashbank.core.middleware import CONTENT_SECURITY_POLICY
from tests.hasher.conftest import HasherHandler, hash_in_browser, open_hasher_page, serve_hasher
from tests.hasher.corpus import photo
from tests.hasher.test_heic import write_heic

pytestmark = pytest.mark.browser

SIZES = [0, 1, 55, 56, 63, 64, 65, 119, 120, 16383, 16384, 16385, 65535, 65536, 65537]
SIZES += [(8 << 20) + 3]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("md5")
    paths = []
    for size in SIZES:
        path = tmp / f"bytes-{size}.bin"
        path.write_bytes(os.urandom(size))
        paths.append(path)
    return paths


@pytest.mark.parametrize(
    ("prefer", "engine"), [("auto", "wasm"), ("hash-wasm", "hash-wasm"), ("js", "js")]
)
def test_every_md5_engine_gives_hashlibs_digest(prefer, engine, files, hasher_page):
    got = hash_in_browser(hasher_page, files, prefer)
    for path, result in zip(files, got, strict=True):
        assert result["md5Engine"] == engine
        assert result["md5"] == hashlib.md5(path.read_bytes()).hexdigest(), path.name


class _NoWasmHandler(HasherHandler):
    """Every response, the worker's too, with the pages' policy: no 'wasm-unsafe-eval'."""

    policy = staticmethod(lambda path: CONTENT_SECURITY_POLICY)


def test_a_worker_refused_webassembly_falls_back_to_md5_js_and_says_heic_is_unsupported(
    chromium, files, tmp_path
):
    heic = write_heic(tmp_path / "photo.heic", photo(320, 240, 4))
    with serve_hasher(_NoWasmHandler) as url, open_hasher_page(chromium, url) as page:
        got = hash_in_browser(page, [files[-1], heic])
    assert [r["md5Engine"] for r in got] == ["js", "js"]
    assert got[0]["md5"] == hashlib.md5(files[-1].read_bytes()).hexdigest()
    assert got[1]["md5"] == hashlib.md5(heic.read_bytes()).hexdigest()
    assert (got[1]["error"], got[1]["decodeError"]) == ("image_decode_failed", "heic_unsupported")

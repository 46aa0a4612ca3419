"""The hasher runs inside the bank's own pages, under their strict Content-Security-Policy."""

from __future__ import annotations

import hashlib

import pytest

from tests.hasher.corpus import builders, photo
from tests.hasher.reference import expected_hashes
from tests.hasher.test_heic import write_heic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("kind", ["jpeg", "heic"])
def test_hash_file_works_under_the_sites_csp_and_sends_nothing(
    kind, chromium, live_server, tmp_path
):
    if kind == "heic":
        path = write_heic(tmp_path / "photo.heic", photo(640, 480, 3))
    else:
        path = tmp_path / "photo.jpg"
        builders()["photo-640x480-q90.jpg"](path)
    context = chromium.new_context()
    page = context.new_page()
    requests = []
    page.on("request", lambda r: requests.append((r.method, r.url, r.post_data_buffer)))
    violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    try:
        response = page.goto(live_server.url + "/")
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.evaluate(
            """() => { const i = document.createElement("input");
                       i.type = "file"; i.id = "hasher-test-input"; document.body.append(i); }"""
        )
        page.set_input_files("#hasher-test-input", str(path))
        got = page.evaluate(
            """async () => {
                const { hashFile } = await import("/static/hashbank/js/hasher.js");
                return hashFile(document.getElementById("hasher-test-input").files[0]);
            }"""
        )
    finally:
        context.close()
    want = expected_hashes(path)
    assert (got["md5"], got["pdq"], got["quality"]) == (want["md5"], want["pdq"], want["quality"])
    assert got["md5"] == hashlib.md5(path.read_bytes()).hexdigest()
    # WebAssembly (our MD5 core, libheif) runs in the worker, whose own CSP allows it; the page's
    # script-src stays 'self' alone.
    assert got["md5Engine"] == "wasm"
    assert "wasm-unsafe-eval" not in response.headers["content-security-policy"]
    assert violations == []
    # Only page and script loads, all GETs with no body: the image went nowhere.
    assert all(method == "GET" and not body for method, _, body in requests), requests

"""A tiny local HTTP server for the hasher's static files, and a page that drives `hashFile`.

The page is served from 127.0.0.1 (a module worker needs a real origin, not file://); files reach
`hashFile` the way a person's would, through an <input type=file>. Every response carries the
Content-Security-Policy the bank would send for its path, so the worker (and its WebAssembly)
runs under the production policy.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from hashbank.core.middleware import content_security_policy

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "hashbank" / "submissions" / "static"

TEST_PAGE = b"""<!doctype html>
<html><head><meta charset="utf-8"><title>hasher test</title></head>
<body><input type="file" id="files" multiple>
<script type="module" src="/driver.js"></script></body></html>
"""

# Exposes hashFile to the test: hashes the selected files one after another.
DRIVER = b"""
import { hashFile } from "/static/hashbank/js/hasher.js";
import { dctMatrix } from "/static/hashbank/js/pdq.js";
window.dctMatrix = dctMatrix;
window.hashSelected = async (md5Engine = "auto") => {
  const out = [];
  for (const file of document.getElementById("files").files) {
    const phases = new Set();
    const result = await hashFile(file, { onProgress: (p) => phases.add(p.phase), md5Engine });
    result.phases = [...phases];
    out.push(result);
  }
  return out;
};
window.hasherReady = true;
"""


class HasherHandler(SimpleHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        extra = {"/": (TEST_PAGE, "text/html"), "/driver.js": (DRIVER, "text/javascript")}
        if self.path in extra:
            body, ctype = extra[self.path]
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    policy = staticmethod(content_security_policy)

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", self.policy(self.path))
        super().end_headers()

    def guess_type(self, path: str) -> str:  # type: ignore[override]
        return "text/javascript" if str(path).endswith(".js") else super().guess_type(path)

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve_hasher(handler_class: type[SimpleHTTPRequestHandler]) -> Iterator[str]:
    handler = functools.partial(handler_class, directory=str(STATIC.parent))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def hasher_server() -> Iterator[str]:
    with serve_hasher(HasherHandler) as url:
        yield url


@contextlib.contextmanager
def open_hasher_page(chromium, url: str) -> Iterator[object]:
    context = chromium.new_context()
    page = context.new_page()
    page.goto(url + "/")
    # A function, not an expression: Playwright compiles an expression in the page when it has to
    # poll, which the pages' CSP (no 'unsafe-eval') refuses.
    page.wait_for_function("() => window.hasherReady === true")
    try:
        yield page
    finally:
        context.close()


@pytest.fixture(scope="session")
def hasher_page(chromium, hasher_server) -> Iterator[object]:
    """One page for the session: the worker stays warm across tests."""
    with open_hasher_page(chromium, hasher_server) as page:
        yield page


def hash_in_browser(page, paths: list[Path], md5_engine: str = "auto") -> list[dict]:
    """`hashFile` on each file, picked through the page's file input."""
    page.set_input_files("#files", [str(p) for p in paths])
    return page.evaluate("(engine) => window.hashSelected(engine)", md5_engine)


@pytest.fixture(scope="session")
def corpus_paths(tmp_path_factory) -> list[Path]:
    from tests.hasher.corpus import write_corpus

    return write_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="session")
def browser_corpus_results(hasher_page, corpus_paths) -> dict[str, dict]:
    """`hashFile` on the whole corpus, once: file name -> result."""
    results = hash_in_browser(hasher_page, corpus_paths)
    return {path.name: result for path, result in zip(corpus_paths, results, strict=True)}

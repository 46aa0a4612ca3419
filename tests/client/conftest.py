"""A running bank (pytest-django's live_server on a transactional database) with a member, a
credential, a signing key and published signals; a tampering proxy in front of it; and helpers
to run the client's command line."""

from __future__ import annotations

import gzip
import http.server
import io
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path
from types import SimpleNamespace

import pytest

from member_portal.client import cli
from tests.member_fixtures import *  # noqa: F401,F403
from tests.member_fixtures import ATTESTATIONS, MD5_VALUE, PDQ_VALUES  # noqa: F401 (re-exported)


@pytest.fixture
def bank(live_server, transactional_db, fast_token_hasher, token, signing_key, settings, tmp_path):
    """The bank at live_server.url; `bank.publish([...])` submits a case and seals it;
    `bank.snapshot()` builds a snapshot of the latest checkpoint."""
    from hashbank.cases import services as cases
    from hashbank.ledger import selectors as ledger_selectors
    from hashbank.ledger import services as ledger
    from member_portal.api import services as snapshots

    settings.HASHBANK_SNAPSHOT_DIR = tmp_path / "snapshots"
    root = tmp_path / "root.note"

    def publish(values=None, quality=90):
        values = values if values is not None else [("pdq", v) for v in PDQ_VALUES]
        hashes = [
            {"type": t, "value": v, **({"quality": quality} if t == "pdq" else {})}
            for t, v in values
        ]
        case, _pin = cases.submit_case(hashes=hashes, attestations=ATTESTATIONS)
        ledger.seal()
        return case

    def withdraw(case):
        cases.withdraw(case=case)
        ledger.seal()

    def write_root():
        root.write_text(ledger_selectors.root_documents()[0])
        return root

    return SimpleNamespace(
        url=live_server.url,
        token=token,
        root=root,
        write_root=write_root,
        publish=publish,
        withdraw=withdraw,
        snapshot=snapshots.build_snapshot,
        seal=ledger.seal,
    )


@pytest.fixture
def state(tmp_path) -> Path:
    return tmp_path / "state.sqlite"


@pytest.fixture
def client(bank, state):
    """client("sync", ...) runs the CLI in-process with --json; returns (exit code, JSON)."""

    def run(*args: str, url: str | None = None) -> tuple[int, dict]:
        argv = ["--state", str(state), "--json", *args]
        if args and args[0] == "sync":
            argv += ["--server", url or bank.url, "--root", str(bank.write_root())]
        out = io.StringIO()
        with redirect_stdout(out):
            code = cli.main(argv)
        text = out.getvalue().strip()
        return code, json.loads(text) if text else {}

    return run


@pytest.fixture(autouse=True)
def bank_token(monkeypatch, request):
    """The CLI reads its credential from HASHBANK_TOKEN."""
    if "bank" in request.fixturenames:
        monkeypatch.setenv("HASHBANK_TOKEN", request.getfixturevalue("bank").token)


class Proxy:
    """A real HTTP server forwarding to the bank, whose responses a test may rewrite
    (`tamper(path, body) -> body`) or stall half-way (`stall_on = "/api/v1/snapshots/"`)."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.tamper: Callable[[str, bytes], bytes] | None = None
        self.stall_on: str | None = None
        self.stalled = threading.Event()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                proxy.forward(self, None)

            def do_POST(self) -> None:
                proxy.forward(self, self.rfile.read(int(self.headers.get("Content-Length", 0))))

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def forward(self, handler, data: bytes | None) -> None:
        headers = {
            k: v
            for k, v in handler.headers.items()
            if k.lower() in ("authorization", "content-type")
        }
        request = urllib.request.Request(self.upstream + handler.path, data=data, headers=headers)

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        try:
            response = urllib.request.build_opener(NoRedirect).open(request)
        except urllib.error.HTTPError as exc:
            response = exc
        body = response.read()
        if self.tamper is not None:
            body = self.tamper(handler.path, body)
        handler.send_response(response.status if hasattr(response, "status") else response.code)
        for name in ("Content-Type", "Location", "Link"):
            if response.headers.get(name):
                handler.send_header(name, response.headers[name])
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if self.stall_on and handler.path.startswith(self.stall_on):
            handler.wfile.write(body[: len(body) // 2])
            handler.wfile.flush()
            self.stalled.set()
            time.sleep(60)  # the client is killed while it waits for the rest
            return
        handler.wfile.write(body)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def proxy(bank):
    p = Proxy(bank.url)
    yield p
    p.close()


def regzip(body: bytes, change: Callable[[bytes], bytes]) -> bytes:
    return gzip.compress(change(gzip.decompress(body)))

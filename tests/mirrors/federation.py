"""Two banks as processes of their own (tests/publishing/banks.py), bank B mirroring bank A, and
between them a forwarding proxy (a real HTTP server of the test) through which B reaches A: it
passes every request on (GETs, and POSTs such as forwarded reports and disputes), unless a test
tells it to answer one path itself (a forged checkpoint signed with A's key, a bad entries page)."""

from __future__ import annotations

import hashlib
import http.server
import threading
import urllib.error
import urllib.request
from collections.abc import Callable

from member_portal.feed import checkpoint as checkpoints
from member_portal.feed import note
from tests.publishing.banks import Bank, wait_for

# Small pages, so that a catch-up of a few hundred entries takes several pages, each cut on a
# tile boundary and proven alone.
PAGE_MAX = "300"


class Proxy:
    def __init__(self, target: str) -> None:
        self.target = target
        # path (without query) -> (status, content type, body) answered instead of the target's
        self.overrides: dict[str, Callable[[str], tuple[int, str, bytes]]] = {}
        self.requests: list[str] = []
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                proxy.requests.append(self.path)
                override = proxy.overrides.get(self.path.split("?")[0])
                if override is not None:
                    status, content_type, body = override(self.path)
                    headers = {"Content-Type": content_type}
                else:
                    status, headers, body = proxy.forward(self.path, dict(self.headers))
                self.send_response(status)
                for name in ("Content-Type", "Link", "Hashbank-Tree-Size"):
                    if headers.get(name):
                        self.send_header(name, headers[name])
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):  # noqa: N802 (http.server's name)
                proxy.requests.append(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, headers, answer = proxy.forward(self.path, dict(self.headers), body)
                self.send_response(status)
                for name in ("Content-Type", "Location", "Retry-After"):
                    if headers.get(name):
                        self.send_header(name, headers[name])
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def forward(
        self, path: str, headers: dict, body: bytes | None = None
    ) -> tuple[int, dict, bytes]:
        """The target's answer to a GET (`body` None) or a POST of `body`."""
        if body is None:
            wanted = {k: v for k, v in headers.items() if k.lower() in ("authorization",)}
        else:
            hop = ("host", "content-length", "connection", "transfer-encoding")
            wanted = {k: v for k, v in headers.items() if k.lower() not in hop}
        request = urllib.request.Request(
            self.target + path, data=body, headers=wanted, method="GET" if body is None else "POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, dict(exc.headers), exc.read()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def origin_id(bank: Bank) -> str:
    return hashlib.sha256(bank.origin.encode()).hexdigest()


def size_of(signed: str) -> int:
    return checkpoints.parse_body(note.split(signed)[0]).size


def published_size(bank: Bank) -> int:
    response = bank.get("/log/checkpoint")
    return size_of(response.text) if response.status == 200 else 0


def submit(bank: Bank, count: int, hashes: Callable[[], dict]) -> dict:
    """A person's submission of `count` hashes; waits until the bank published them."""
    before = published_size(bank)
    response = bank.submit([hashes() for _ in range(count)])
    assert response.status == 201, response.text
    wait_for(lambda: published_size(bank) > before, timeout=60, what="the seal is published")
    return response.json()


def mirror_sync(b: Bank) -> str:
    return b.manage("mirrors", "sync")


def make_pair(tmp_path_factory, **b_settings: str) -> tuple[Bank, Bank, Proxy]:
    a = Bank("a", tmp_path_factory.mktemp("bank-a"), HASHBANK_ENTRIES_PAGE_MAX=PAGE_MAX)
    b = Bank("b", tmp_path_factory.mktemp("bank-b"), **b_settings)
    a.first_start()
    b.first_start()
    a.start()
    b.start()
    proxy = Proxy(a.url)
    token = a.peer_credential("peer-b")
    b.manage(
        "peers", "add", proxy.url, "--name", "a", "--credential", token,
        "--expect-key", a.log_key(),
    )  # fmt: skip
    return a, b, proxy

"""In-process publishing: the bank's own witness at live_server (a real HTTP server of this
process, trusting this bank's log key), and scripted witnesses on real HTTP servers of the test
(answering what a test tells them: a fork, a stall, a bad cosignature)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable
from types import SimpleNamespace

import pytest

from hashbank.ledger import selectors as ledger_selectors
from hashbank.witness import services as witness_services
from member_portal.feed import cosignature, note
from member_portal.feed import witness as wire


class ScriptedWitness:
    """A tlog-witness endpoint on a real HTTP server: `answer(request) -> (status, content type,
    body)`, by default a valid cosignature by its own key (no consistency check of its own)."""

    def __init__(self, name: str) -> None:
        self.cosigner = cosignature.Cosigner.generate(name)
        self.answer: Callable[[wire.AddCheckpoint], tuple[int, str, bytes]] = self.cosign
        self.requests: list[wire.AddCheckpoint] = []
        witness = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                request = wire.parse_add_checkpoint(body)
                witness.requests.append(request)
                status, content_type, answer = witness.answer(request)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/witness"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def vkey(self) -> str:
        return str(self.cosigner.verifier)

    def cosign(self, request: wire.AddCheckpoint) -> tuple[int, str, bytes]:
        text, _ = note.split(request.note)
        return 200, "text/plain", self.cosigner.cosign(text, 1_700_000_000).line().encode()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def _tasks_in_process(tasks_in_process):
    """The witness policy is this process's setting: its tasks run here."""


@pytest.fixture
def scripted():
    made: list[ScriptedWitness] = []

    def make(name: str) -> ScriptedWitness:
        witness = ScriptedWitness(name)
        made.append(witness)
        return witness

    yield make
    for witness in made:
        witness.close()


@pytest.fixture
def own_witness(live_server, transactional_db, signing_key):
    """This bank's own witness (`witness init`), trusting this bank's log key (`witness add-log`),
    answering at live_server."""
    from django.conf import settings

    cosigner, _ = witness_services.init_key()
    witness_services.add_log(origin=settings.HASHBANK_ORIGIN, vkeys=ledger_selectors.public_keys())
    return SimpleNamespace(
        name="own", vkey=str(cosigner.verifier), url=f"{live_server.url}/witness", cosigner=cosigner
    )


@pytest.fixture
def policy(settings, tmp_path):
    """Write the bank's witness policy: `policy([(name, vkey, url), ...], quorum)`."""
    path = tmp_path / "witness-policy.txt"
    settings.HASHBANK_WITNESS_POLICY = str(path)
    settings.HASHBANK_WITNESS_TIMEOUT = 1.0
    settings.HASHBANK_PUBLISH_TIMEOUT = 5.0
    settings.HASHBANK_WITNESS_FAIL_OPEN = False

    def write(witnesses, quorum: str, groups=()):
        lines = [f"witness {name} {vkey} {url}" for name, vkey, url in witnesses]
        path.write_text("\n".join([*lines, *groups, f"quorum {quorum}", ""]))
        return path

    return write

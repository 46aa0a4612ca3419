"""Three banks as processes of their own (tests/publishing/banks.py), peering with the real
commands: B and C mirror A (`createmember --peer` and `issuecredential` on A, `peers add ...
--expect-key` on B and C). The mirrors' own schedulers are effectively off: the tests sync with
`manage.py mirrors sync`, as an operator would; forwarding's scheduler runs every second."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout

import pytest

from member_portal.client import cli
from tests.publishing.banks import Bank

SETTINGS = {
    "HASHBANK_MIRROR_INTERVAL": "3600",
    "HASHBANK_FORWARD_SWEEP_SECONDS": "1",
    "HASHBANK_FORWARD_POLL_SECONDS": "1",
    "HASHBANK_FORWARD_RETRY_SECONDS": "1",
}


@pytest.fixture(scope="package")
def banks(tmp_path_factory):
    a, b, c = (Bank(name, tmp_path_factory.mktemp(f"bank-{name}"), **SETTINGS) for name in "abc")
    try:
        for bank in (a, b, c):
            bank.first_start()
            bank.start()
        for bank in (b, c):
            bank.peer_with(a)
        yield a, b, c
    finally:
        for bank in (c, b, a):
            bank.stop()


class MemberClient:
    """The reference client (`hashbank-member`, in-process) of a bank's demo member, trusting the
    bank's root document as the member got it out of band."""

    def __init__(self, bank: Bank, directory, monkeypatch) -> None:
        self.bank = bank
        roots = bank.get("/api/v1/roots", Authorization=f"Bearer {bank.token}").json()["roots"]
        self.root = directory / f"{bank.name}-root.note"
        self.root.write_text(roots[0])
        self.state = directory / f"{bank.name}-state.sqlite"
        self.monkeypatch = monkeypatch

    def run(self, *args: str) -> tuple[int, dict]:
        self.monkeypatch.setenv("HASHBANK_TOKEN", self.bank.token)
        argv = ["--state", str(self.state), "--json", *args]
        if args[0] == "sync":
            argv += ["--server", self.bank.url, "--root", str(self.root)]
        out = io.StringIO()
        with redirect_stdout(out):
            code = cli.main(argv)
        return code, json.loads(out.getvalue() or "{}")

    def matches(self, value: str) -> list[dict]:
        code, found = self.run("match", "--pdq", value)
        return found["results"][0]["matches"] if code == 0 else []


@pytest.fixture
def member_of(tmp_path, monkeypatch):
    return lambda bank: MemberClient(bank, tmp_path, monkeypatch)

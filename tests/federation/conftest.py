"""Three banks as processes of their own (tests/publishing/banks.py), peering with the real
commands: B and C mirror A (`createmember --peer` and `issuecredential` on A, `peers add ...
--expect-key` on B and C), both reaching A through one forwarding proxy of the test
(tests/mirrors/federation.py's Proxy: it passes everything on unless a test tells it to answer a
path itself, e.g. a forged checkpoint of A). One set of three banks serves the whole package (each
bank start costs CI time). The mirrors' own schedulers are effectively off: the tests sync with
`manage.py mirrors sync`, as an operator would; forwarding's scheduler runs every second;
withdrawals take effect at once (cooling-off 0)."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout

import pytest

from member_portal.client import cli
from tests.mirrors.federation import Proxy
from tests.publishing.banks import Bank

SETTINGS = {
    "HASHBANK_MIRROR_INTERVAL": "3600",
    "HASHBANK_FORWARD_SWEEP_SECONDS": "1",
    "HASHBANK_FORWARD_POLL_SECONDS": "1",
    "HASHBANK_FORWARD_RETRY_SECONDS": "1",
    "HASHBANK_WITHDRAWAL_COOLING_OFF": "0",
}


@pytest.fixture(scope="package")
def federation(tmp_path_factory):
    a, b, c = (Bank(name, tmp_path_factory.mktemp(f"bank-{name}"), **SETTINGS) for name in "abc")
    proxy = None
    try:
        for bank in (a, b, c):
            bank.first_start()
            bank.start()
        proxy = Proxy(a.url)
        for bank in (b, c):
            bank.peer_with(a, via=proxy.url)
        yield a, b, c, proxy
    finally:
        if proxy is not None:
            proxy.close()
        for bank in (c, b, a):
            bank.stop()


@pytest.fixture
def banks(federation):
    """A, B and C, B and C mirroring A."""
    return federation[:3]


@pytest.fixture
def proxy_to_a(federation):
    """The proxy through which B and C reach A."""
    return federation[3]


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

    def matches(self, value: str, *options: str) -> list[dict]:
        code, found = self.run("match", *options, "--pdq", value)
        return found["results"][0]["matches"] if code == 0 else []

    def status(self, *options: str) -> dict:
        """`status --json`'s entry for each origin, by origin."""
        code, found = self.run("status", *options)
        assert code == 0, found
        return {item["origin"]: item for item in found["origins"]}


@pytest.fixture
def member_of(tmp_path, monkeypatch):
    return lambda bank: MemberClient(bank, tmp_path, monkeypatch)

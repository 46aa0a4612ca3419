"""Helpers to run the client's command line against the bank (tests/fixtures/bank.py)."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from member_portal.client import cli


@pytest.fixture
def state(tmp_path) -> Path:
    return tmp_path / "state.sqlite"


@pytest.fixture
def client(bank, state):
    """client("sync", ...) runs the CLI in-process with --json; returns (exit code, JSON). In this
    directory it stands in for pytest-django's `client`, which these tests do not use."""

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

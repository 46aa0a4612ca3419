"""A client killed mid-sync (kill -9) leaves the last verified state, and the next run resumes."""

import subprocess
import sys
from pathlib import Path

import pytest

from member_portal.client.store import Store
from tests.fixtures.values import MD5_VALUE

ROOT = Path(__file__).resolve().parents[2]
# Small insert batches, so rows are already written inside the open transaction when it is killed.
RUN = "import sys, member_portal.client.sync as s; s.BATCH = 100; from member_portal.client.cli import main; sys.exit(main())"


def _start_client(bank, proxy, state) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            RUN,
            "--state",
            str(state),
            "sync",
            "--server",
            proxy.url,
            "--root",
            str(bank.write_root()),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _kill_when_stalled(proxy, process) -> None:
    assert proxy.stalled.wait(30), "the client never reached the stalled download"
    process.kill()
    process.wait(10)


@pytest.mark.slow
def test_client_killed_during_bootstrap_leaves_no_partial_state_and_resumes(
    bank, proxy, client, state
):
    from tests import seeding

    seeding.seed_active_signals(3000)
    bank.snapshot()
    proxy.stall_on = "/api/v1/snapshots/"

    _kill_when_stalled(proxy, _start_client(bank, proxy, state))

    with Store(state) as store:
        assert store.load() is None
        assert store.counts() == {}
    proxy.stall_on = None
    code, result = client("sync", url=proxy.url)
    assert code == 0
    assert result["active"] == 3000


def test_client_killed_during_a_delta_keeps_the_previous_checkpoint_and_resumes(
    bank, proxy, client, state
):
    bank.publish()
    bank.snapshot()
    before = client("sync", url=proxy.url)[1]["size"]
    bank.publish([("md5", MD5_VALUE)])
    proxy.stall_on = "/api/v1/entries"

    _kill_when_stalled(proxy, _start_client(bank, proxy, state))

    with Store(state) as store:
        assert store.load().size == before
        assert store.counts() == {"pdq": 4}
    proxy.stall_on = None
    code, result = client("sync", url=proxy.url)
    assert code == 0
    assert (result["old_size"], result["active"]) == (before, 5)

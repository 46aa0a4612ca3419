"""Two clients on one state file: the second refuses to run (exit code 4)."""

import subprocess
import sys
from pathlib import Path

from member_portal.client.store import Store

ROOT = Path(__file__).resolve().parents[2]


def test_second_client_on_the_same_state_file_is_refused(state):
    with Store(state):
        run = subprocess.run(
            [sys.executable, "-m", "member_portal.client", "--state", str(state), "status"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert run.returncode == 4
    assert "in use by another client" in run.stderr


def test_lock_is_released_when_the_holder_exits(state):
    Store(state).close()
    with Store(state):
        pass

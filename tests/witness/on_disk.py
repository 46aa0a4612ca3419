"""A witness on a SQLite file, driven by separate processes: what a restart and two web workers
look like. (pytest-django's in-memory SQLite is one shared cache across threads, which answers
"table is locked" where a file's writers would wait their turn; PostgreSQL's threads are tested in
test_concurrency.py.)"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# One add-checkpoint in a fresh process. It says "ready" once Django is up and waits for a line
# on stdin before submitting, so the test can start several at once on an event, not a clock.
SUBMIT = """
import sys
import django
django.setup()
from hashbank.witness import services
from hashbank.witness.errors import WitnessError
body = open(sys.argv[1], "rb").read()
print("ready", flush=True)
sys.stdin.readline()
try:
    line = services.add_checkpoint(body=body)
    print("200", line, end="", flush=True)
except WitnessError as exc:
    print(exc.status, exc.size, flush=True)
"""


class DiskWitness:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("DATABASE_URL", "REDIS_URL", "HASHBANK_SIGNING_KEYS")
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="hashbank.settings",
            DATABASE_URL=f"sqlite:///{directory / 'witness.sqlite3'}",
            HASHBANK_VAR_DIR=str(directory),
            HASHBANK_KEY_DIR=str(directory / "keys"),
            PYTHONPATH=str(ROOT),
        )
        self._bodies = 0

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def start(self, body: bytes) -> subprocess.Popen:
        """A process that will submit `body`; returns once it is ready."""
        self._bodies += 1
        path = self.directory / f"body-{self._bodies}"
        path.write_bytes(body)
        process = subprocess.Popen(
            [sys.executable, "-c", SUBMIT, str(path)],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        ready = process.stdout.readline()
        assert ready == "ready\n", ready + process.stderr.read()
        return process

    @staticmethod
    def finish(processes: list[subprocess.Popen]) -> list[str]:
        """Let the ready processes submit at once; their answers, `200 <line>` or `<status> <size>`."""
        for process in processes:
            process.stdin.write("go\n")
            process.stdin.flush()
        answers = []
        for process in processes:
            out, err = process.communicate(timeout=120)
            assert process.returncode == 0, err
            answers.append(out)
        return answers

    def submit(self, body: bytes) -> str:
        return self.finish([self.start(body)])[0]

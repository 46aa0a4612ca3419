"""Benchmark the benign screen a submission runs (hashbank.benign.selectors.near_benign): the time
to compare a submission of 1, 100 and 1,000 PDQ hashes against benign lists of 1,000 to 100,000
PDQ hashes. When the list is longer than selectors.LISTED_PER_LOOKUP per submitted PDQ, the
screen reads the list's chunk indexes instead of the whole list (the path column says which).

    .venv/bin/python bench/benign_screen.py

Runs on its own embedded SQLite database in a temporary directory. Prints figures; asserts
nothing.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    for name in ("REDIS_URL", "DATABASE_URL"):
        os.environ.pop(name, None)
    os.environ["HASHBANK_VAR_DIR"] = tempfile.mkdtemp(prefix="hb_bench_benign_")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hashbank.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from hashbank.benign.models import BenignHash
    from hashbank.benign.selectors import near_benign

    listed = 0
    from hashbank.benign.selectors import LISTED_PER_LOOKUP

    print("benign PDQs  submitted  path   best of 5 (ms)")
    for size in (1_000, 10_000, 100_000):
        values = [secrets.token_hex(32) for _ in range(size - listed)]
        BenignHash.objects.bulk_create(
            [
                BenignHash(
                    signal_type="pdq",
                    value=value,
                    source="staff",
                    contributed_by="bench",
                    **BenignHash.chunk_fields("pdq", value),
                )
                for value in values
            ],
            batch_size=5000,
        )
        listed = size
        for submitted in (1, 100, 1000):
            items = [("pdq", secrets.token_hex(32), 90) for _ in range(submitted)]
            best = min(_timed(near_benign, items) for _ in range(5))
            path = "index" if size > LISTED_PER_LOOKUP * submitted else "scan"
            print(f"{size:>11,}  {submitted:>9,}  {path:<5}  {best * 1000:>14.1f}")


def _timed(function, items) -> float:
    started = time.perf_counter()
    function(items)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()

"""Benchmark the audit log on PostgreSQL: appending entries one transaction at a time (each takes
the chain head's row lock, as staff actions do), and verifying the whole chain.

    .venv/bin/python bench/audit_chain.py
    .venv/bin/python bench/audit_chain.py --entries 50000 --database postgres://postgres@127.0.0.1:5432/hb_bench_audit

The database is dropped and recreated on every run (it is the benchmark's own). Prints figures;
asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from _scratch import recreate_database  # bench/ is the script's own directory

ROOT = Path(__file__).resolve().parent.parent


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/hb_bench_audit")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    recreate_database(args.database)
    os.environ["DATABASE_URL"] = args.database
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hashbank.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from hashbank.audit.services import record_event, verify_chain

    start = time.perf_counter()
    for i in range(args.entries):
        record_event(
            actor="bench",
            action="case.note_added",
            target=f"case:HB{i:08d}",
            before={"status": "active"},
            after={"status": "suspended", "reason": "under review"},
            member="acme",
        )
    appended = time.perf_counter() - start
    print(
        f"append: {args.entries} entries in {appended:.2f} s = {args.entries / appended:,.0f} entries/s"
    )

    start = time.perf_counter()
    report = verify_chain()
    checked = time.perf_counter() - start
    print(
        f"verify: {report.checked} entries in {checked:.2f} s = {report.checked / checked:,.0f} entries/s (ok={report.ok})"
    )


if __name__ == "__main__":
    main()

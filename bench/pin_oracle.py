"""Benchmark the PIN check's timing for a case that exists and a number that has none: the
wall-clock time of one wrong-PIN `cases.services.authenticate_case`, interleaved, each on a fresh
case or number (so every attempt is a first, free failure), and the same for the fourth attempt
(by then past its delay, so the case's row gets its next-attempt time too). Issue 17: the answer path is the same; this shows what timing is left.

    .venv/bin/python bench/pin_oracle.py
    .venv/bin/python bench/pin_oracle.py --n 1000

Runs on its own embedded SQLite database (locmem cache) in a temporary directory. Prints figures;
asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="attempts of each kind")
    args = parser.parse_args()
    for name in ("REDIS_URL", "DATABASE_URL"):
        os.environ.pop(name, None)
    os.environ["HASHBANK_VAR_DIR"] = tempfile.mkdtemp(prefix="hb_bench_pin_")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hashbank.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("keys", "init", stdout=io.StringIO())  # submissions seal as they would live
    from hashbank.cases import pins, services
    from hashbank.core.errors import DomainError

    attested = {"adult": True, "depicted": True, "consent": True}
    real = [
        services.submit_case(
            hashes=[{"type": "md5", "value": secrets.token_hex(16)}], attestations=attested
        )[0].number
        for _ in range(args.n)
    ]
    unknown = [pins.new_case_number() for _ in range(args.n)]

    def attempt(number: str) -> tuple[float, str]:
        start = time.perf_counter()
        try:
            services.authenticate_case(number=number, pin="000000000000")
        except DomainError as error:
            code = str(error.code)
        return (time.perf_counter() - start) * 1000, code

    rows = {}
    for label, attempts_before in (("first wrong PIN", 0), ("a later one", 3)):
        for number in real + unknown:
            for _ in range(attempts_before):
                attempt(number)
        times: dict[str, list[float]] = {"case exists": [], "no such case": []}
        codes: dict[str, set[str]] = {"case exists": set(), "no such case": set()}
        for a, b in zip(real, unknown, strict=True):
            for kind, number in (("case exists", a), ("no such case", b)):
                ms, code = attempt(number)
                times[kind].append(ms)
                codes[kind].add(code)
        rows[label] = (times, codes)
        real = real[:]  # the same numbers again would be delayed further: fresh ones next
        real = [
            services.submit_case(
                hashes=[{"type": "md5", "value": secrets.token_hex(16)}], attestations=attested
            )[0].number
            for _ in range(args.n)
        ]
        unknown = [pins.new_case_number() for _ in range(args.n)]

    print(f"wall ms per wrong-PIN check, {args.n} of each (SQLite, locmem cache)")
    print(f"{'attempt':<18} {'kind':<14} {'median':>8} {'p90':>8}  answer")
    for label, (times, codes) in rows.items():
        for kind in ("case exists", "no such case"):
            ordered = sorted(times[kind])
            p90 = ordered[int(len(ordered) * 0.9)]
            print(
                f"{label:<18} {kind:<14} {statistics.median(ordered):>8.3f} {p90:>8.3f}  "
                f"{', '.join(sorted(codes[kind]))}"
            )


if __name__ == "__main__":
    main()

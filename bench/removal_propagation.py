"""Removal propagation across the federation: from a removal entering bank A's log (a withdrawal,
whose cooling-off is 0 here, published at A) to a member platform of bank B no longer matching the
value, with bank B mirroring A. Two banks as processes of their own (deploy/federation_demo.py's
Bank: runserver, embedded, SQLite), the member's reference client in this process.

    python bench/removal_propagation.py                    # the knobs for under 10 s
    python bench/removal_propagation.py --default-cadences # B syncs A every 30 s, the member every 60 s

The lag is (A published -> B's mirror sync sees it) + (B's mirror -> the member's next sync):
at most HASHBANK_MIRROR_INTERVAL + the member's sync interval (the API's min_wait hint, 60 s).
Knobs: HASHBANK_MIRROR_INTERVAL on B (beat's or the embedded scheduler's cadence), the member's
sync interval (`hashbank-member sync` from cron or its loop), HASHBANK_MIN_WAIT_SECONDS (the hint).
Prints p50/p99/max over --trials removals."""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy"))
sys.path.insert(0, str(ROOT))
from federation_demo import Bank, Member  # noqa: E402  (deploy/federation_demo.py)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--default-cadences", action="store_true")
    parser.add_argument("--mirror-interval", type=float, default=1.0)
    parser.add_argument("--member-interval", type=float, default=1.0)
    args = parser.parse_args()
    mirror, member_every = (
        (30.0, 60.0) if args.default_cadences else (args.mirror_interval, args.member_interval)
    )
    os.environ["HASHBANK_MIRROR_INTERVAL"] = str(mirror)
    for key in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(key, None)
    run_dir = Path(tempfile.mkdtemp(prefix="hashbank-removal-bench."))
    a, b = Bank("a", run_dir, 0, False), Bank("b", run_dir, 1, False)
    lags: list[float] = []
    try:
        for bank in (a, b):
            bank.setup()
            bank.start()
        a.manage("createmember", "peer-b", "--name", "Bank B", "--peer")
        token = a.manage("issuecredential", "peer-b").splitlines()[-1]
        b.manage("peers", "add", a.url, "--name", "a", "--credential", token,
                 "--expect-key", a.log_key())  # fmt: skip
        member = Member(b, run_dir)
        for _ in range(args.trials):
            value = secrets.token_hex(32)
            case = a.submit(value)
            while not member.matches(value, a.origin):
                time.sleep(member_every)
            a.request("GET", "/submit/")
            before = a.published_size()
            a.json("POST", "/api/v1/cases/withdraw",
                   {"case_number": case["case_number"], "pin": case["pin"], "hashes": "all"})  # fmt: skip
            while a.published_size() <= before:
                time.sleep(0.05)
            published = time.monotonic()
            # The member syncs on its own cadence, whose phase the removal does not know.
            time.sleep(member_every * secrets.randbelow(1000) / 1000)
            while member.matches(value, a.origin):
                time.sleep(member_every)
            lags.append(time.monotonic() - published)
    finally:
        for bank in (b, a):
            bank.stop()
        shutil.rmtree(run_dir, ignore_errors=True)
    lags.sort()
    p99 = lags[min(len(lags) - 1, int(round(0.99 * (len(lags) - 1))))]
    print(
        f"mirror interval {mirror:g} s, member sync every {member_every:g} s, {len(lags)} removals"
    )
    print(f"removal propagation A -> member of B: p50 {statistics.median(lags):.1f} s, "
          f"p99 {p99:.1f} s, max {lags[-1]:.1f} s (bound {mirror + member_every:g} s + sync time)")  # fmt: skip


if __name__ == "__main__":
    main()

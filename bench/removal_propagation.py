"""Removal propagation across the federation: from a removal entering bank A's log (a withdrawal,
whose cooling-off is 0 here, published at A) to a member platform of bank B no longer matching the
value, with bank B mirroring A (and A peering with B, so that A can nudge B). Two banks as
processes of their own (deploy/federation_demo.py's Bank: runserver, embedded, SQLite), the
member's reference client in this process, syncing on its own cadence.

    python bench/removal_propagation.py                    # the knobs for under 10 s
    python bench/removal_propagation.py --default-cadences # the defaults, nudges on and off

With nudges (the default: A tells B to sync after each publish, POST /peer/v1/nudge) the lag is
(A published -> B's mirror synced, about a second) + (-> the member's next sync); without them
(HASHBANK_NUDGE_PEERS=0 at A, or every nudge lost) B's mirror waits for its interval: at most
HASHBANK_MIRROR_INTERVAL + the member's sync interval. --default-cadences uses the defaults (the
settings' HASHBANK_MIRROR_INTERVAL, the member syncing every `min_wait` seconds, the API's hint)
and runs both, nudges on then off, each with its own pair of banks. Prints p50/p99/max over
--trials removals per configuration."""

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
from federation_demo import Bank, Failed, Member, wait_for  # noqa: E402  (deploy/federation_demo.py)


def default_cadences() -> tuple[float, float]:
    """(HASHBANK_MIRROR_INTERVAL, HASHBANK_MIN_WAIT_SECONDS) as the settings default them."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hashbank.settings")
    for key in ("HASHBANK_MIRROR_INTERVAL", "HASHBANK_MIN_WAIT_SECONDS"):
        os.environ.pop(key, None)
    import django
    from django.conf import settings

    django.setup()
    return settings.HASHBANK_MIRROR_INTERVAL, float(settings.HASHBANK_MIN_WAIT_SECONDS)


def run(mirror: float, member_every: float, nudges: bool, trials: int) -> list[float]:
    os.environ["HASHBANK_MIRROR_INTERVAL"] = str(mirror)
    os.environ["HASHBANK_NUDGE_PEERS"] = "1" if nudges else "0"
    run_dir = Path(tempfile.mkdtemp(prefix="hashbank-removal-bench."))
    a, b = Bank("a", run_dir, 0, False), Bank("b", run_dir, 1, False)
    lags: list[float] = []
    try:
        for bank in (a, b):
            bank.setup()
            bank.start()
        for origin, mirror_bank in ((a, b), (b, a)):  # each peers with the other, as the demo
            origin.manage("createmember", f"peer-{mirror_bank.name}", "--name",
                          f"Bank {mirror_bank.name.upper()}", "--peer")  # fmt: skip
            token = origin.manage("issuecredential", f"peer-{mirror_bank.name}").splitlines()[-1]
            mirror_bank.manage("peers", "add", origin.url, "--name", origin.name,
                               "--credential", token, "--expect-key", origin.log_key())  # fmt: skip
        member = Member(b, run_dir)
        for _ in range(trials):
            value = secrets.token_hex(32)
            case = a.submit(value)
            wait_for(lambda v=value: member.matches(v, a.origin), timeout=10 * (mirror + member_every),
                     interval=member_every, what="B's member matches A's case")  # fmt: skip
            a.request("GET", "/submit/")
            before = a.published_size()
            status, _ = a.json("POST", "/api/v1/cases/withdraw",
                               {"case_number": case["case_number"], "pin": case["pin"],
                                "hashes": "all"})  # fmt: skip
            if status != 200:
                raise Failed(f"the withdrawal at A answered {status}")
            wait_for(lambda n=before: a.published_size() > n, timeout=60, interval=0.05,
                     what="A publishes the removal")  # fmt: skip
            published = time.monotonic()
            # The member syncs on its own cadence, whose phase the removal does not know.
            time.sleep(member_every * secrets.randbelow(1000) / 1000)
            wait_for(lambda v=value: not member.matches(v, a.origin),
                     timeout=10 * (mirror + member_every), interval=member_every,
                     what="B's member stops matching")  # fmt: skip
            lags.append(time.monotonic() - published)
    finally:
        for bank in (b, a):
            bank.stop()
        shutil.rmtree(run_dir, ignore_errors=True)
    return sorted(lags)


def report(mirror: float, member_every: float, nudges: bool, lags: list[float]) -> None:
    p99 = lags[min(len(lags) - 1, int(round(0.99 * (len(lags) - 1))))]
    bound = member_every if nudges else mirror + member_every
    print(f"nudges {'on ' if nudges else 'off'}  mirror interval {mirror:g} s, member sync every "
          f"{member_every:g} s, {len(lags)} removals: p50 {statistics.median(lags):.1f} s, "
          f"p99 {p99:.1f} s, max {lags[-1]:.1f} s (bound {bound:g} s + sync time)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--default-cadences", action="store_true")
    parser.add_argument("--mirror-interval", type=float, default=1.0)
    parser.add_argument("--member-interval", type=float, default=1.0)
    parser.add_argument("--no-nudges", action="store_true")
    args = parser.parse_args()
    for key in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(key, None)
    sys.stdout.reconfigure(line_buffering=True)
    if args.default_cadences:
        mirror, member_every = default_cadences()
        results = [(n, run(mirror, member_every, n, args.trials)) for n in (True, False)]
    else:
        mirror, member_every = args.mirror_interval, args.member_interval
        nudges = not args.no_nudges
        results = [(nudges, run(mirror, member_every, nudges, args.trials))]
    print("removal propagation A -> member of B (from A's published removal to no match):")
    for nudges, lags in results:
        report(mirror, member_every, nudges, lags)


if __name__ == "__main__":
    main()

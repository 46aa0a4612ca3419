"""Benchmark the staff console's case list and search: server time per request (p50, p95) on N
cases, through Django's full request stack in this process (session, second factor, permission,
view, template; no network).

    .venv/bin/python bench/case_search.py                      # 1M cases on DATABASE_URL
    .venv/bin/python bench/case_search.py --cases 20000        # SQLite when DATABASE_URL is unset
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hashbank_bench_console \\
        .venv/bin/python bench/case_search.py --recreate

The figure that counts (issue 16: under 100 ms p95 at 1M cases) is PostgreSQL's; SQLite runs are
for a laptop. Seeding writes, per case, one PDQ and one MD5 hold; 1% of cases are locked, 5%
staff-assisted, 0.1% assigned to the benchmark's caseworker, 0.1% hold a suspended hash, and 100
signals have an open dispute. --recreate drops and recreates the PostgreSQL database first (use
only a database of the benchmark's own). A database already seeded with N cases is reused. The seed writes rows
around the services, so it fills the PDQ multi-index as `manage.py pdq_index backfill` does, then
VACUUM ANALYZE. After the requests, the PDQ-within-distance read alone, by a scan of every PDQ
and through the multi-index, side by side at 0, 31, 32, 48 and 64 bits (they must agree).
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _scratch import recreate_database  # bench/ is the script's own directory

ROOT = Path(__file__).resolve().parent.parent


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=40, help="requests per measured query")
    parser.add_argument("--recreate", action="store_true", help="drop the PostgreSQL DB first")
    return parser.parse_args()


_PG_SEED = """
INSERT INTO cases_case (number, pin_hash, staff_assisted, attestations, created_at,
                        failed_pin_attempts, locked_at, assignee_id)
SELECT 'HB' || upper(substr(md5(i::text || 'n'), 1, 8)), 'x', i %% 20 = 0, '{}'::jsonb,
       now() - (i * interval '63 seconds'), 0,
       CASE WHEN i %% 100 = 7 THEN now() END, CASE WHEN i %% 1000 = 3 THEN %(user)s END
FROM generate_series(%(low)s, %(high)s) i
ON CONFLICT (number) DO NOTHING;
INSERT INTO signals_signal (signal_type, value, quality, salt, digest, active_holds, state,
                            removal_reason, created_at, published_at)
SELECT t, CASE WHEN t = 'pdq' THEN md5(c.id || 'a') || md5(c.id || 'b') ELSE md5(c.id || 'm') END,
       CASE WHEN t = 'pdq' THEN 90 END, decode(md5(c.id || 's'), 'hex'),
       decode(md5(c.id || 'd') || md5(c.id || 'e'), 'hex'), 1, 'active', '', c.created_at,
       c.created_at
FROM cases_case c, (VALUES ('pdq'), ('md5')) types(t)
WHERE c.id > %(last_case)s;
INSERT INTO cases_casesignal (case_id, signal_id, status, created_at, changed_at, item)
SELECT c.id, s.id, CASE WHEN c.id %% 1000 = 5 THEN 'suspended' ELSE 'active' END, c.created_at,
       c.created_at, 'a'
FROM cases_case c JOIN signals_signal s
     ON s.signal_type = 'pdq' AND s.value = md5(c.id || 'a') || md5(c.id || 'b')
WHERE c.id > %(last_case)s AND s.id > %(last_signal)s;
INSERT INTO cases_casesignal (case_id, signal_id, status, created_at, changed_at, item)
SELECT c.id, s.id, 'active', c.created_at, c.created_at, 'a'
FROM cases_case c JOIN signals_signal s ON s.signal_type = 'md5' AND s.value = md5(c.id || 'm')
WHERE c.id > %(last_case)s AND s.id > %(last_signal)s;
"""


def seed_postgres(n: int, user_id: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for low in range(1, n + 1, 200_000):
            high = min(n, low + 199_999)
            cursor.execute("SELECT coalesce(max(id), 0) FROM cases_case")
            last_case = cursor.fetchone()[0]
            cursor.execute("SELECT coalesce(max(id), 0) FROM signals_signal")
            last_signal = cursor.fetchone()[0]
            params = {
                "low": low,
                "high": high,
                "user": user_id,
                "last_case": last_case,
                "last_signal": last_signal,
            }
            for statement in filter(str.strip, _PG_SEED.split(";")):
                cursor.execute(statement, params)
            print(f"  seeded {high} cases", flush=True)
    index_pdqs()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would: visibility map and statistics


def index_pdqs() -> None:
    """The seed writes signals around the services, so the PDQ multi-index is filled as an
    operator would after such an import (`manage.py pdq_index backfill`)."""
    from hashbank.signals import services

    start = time.perf_counter()
    added = services.backfill_pdq_index()
    print(f"  indexed {added} PDQs in {time.perf_counter() - start:.0f} s", flush=True)


def seed_orm(n: int, user_id: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from hashbank.cases.models import Case, CaseSignal
    from hashbank.signals.models import Signal

    now = timezone.now()
    for low in range(0, n, 5000):
        with transaction.atomic():
            cases = []
            for i in range(low, min(n, low + 5000)):
                cases.append(
                    Case(
                        number="HB" + os.urandom(4).hex().upper(),
                        pin_hash="x",
                        staff_assisted=i % 20 == 0,
                        locked_at=now if i % 100 == 7 else None,
                        assignee_id=user_id if i % 1000 == 3 else None,
                    )
                )
            Case.objects.bulk_create(cases, ignore_conflicts=True)
            cases = list(Case.objects.order_by("-id")[: len(cases)])
            signals = []
            for _ in cases:
                signals.append(Signal(signal_type="pdq", value=os.urandom(32).hex(), quality=90))
                signals.append(Signal(signal_type="md5", value=os.urandom(16).hex()))
            for s in signals:
                s.salt, s.digest, s.active_holds, s.state = b"s" * 16, os.urandom(32), 1, "active"
            Signal.objects.bulk_create(signals)
            signals = list(Signal.objects.order_by("-id")[: len(signals)])[::-1]
            by_case = zip(cases, zip(signals[::2], signals[1::2], strict=True), strict=True)
            holds = []
            for case, (first, second) in by_case:
                for s in (first, second):
                    suspended = case.pk % 1000 == 5 and s.signal_type == "pdq"
                    holds.append(
                        CaseSignal(
                            case=case, signal=s, status="suspended" if suspended else "active"
                        )
                    )
            CaseSignal.objects.bulk_create(holds)
    from django.db import connection

    with connection.cursor() as cursor:  # spread over time, newest last, as on PostgreSQL
        cursor.execute(
            "UPDATE cases_case SET created_at = "
            "strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now', '-' || ((%s - id) * 63) || ' seconds')",
            [n],
        )
    print(f"  seeded {n} cases", flush=True)
    index_pdqs()


def main() -> None:
    args = parse_args()
    os.environ.pop("REDIS_URL", None)
    url = os.environ.get("DATABASE_URL", "")
    if url and args.recreate:
        recreate_database(url)
    if not url:
        os.environ["HASHBANK_VAR_DIR"] = os.environ.get("HASHBANK_VAR_DIR") or tempfile.mkdtemp(
            prefix="hb_bench_cases_"
        )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hashbank.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from hashbank.cases.models import Case, CaseSignal
    from hashbank.disputes.models import Dispute
    from hashbank.staff import roles
    from hashbank.staff.models import StaffProfile

    setup_test_environment()
    call_command("migrate", verbosity=0)
    roles.sync_groups()
    user, created = get_user_model().objects.get_or_create(
        username="bench-caseworker", defaults={"is_staff": True}
    )
    if created:
        user.groups.add(Group.objects.get(name=roles.CASEWORKER))
        StaffProfile.objects.create(user=user)
        TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    have = Case.objects.count()
    if have < args.cases:
        print(f"seeding {args.cases - have} cases on {connection.vendor} ...", flush=True)
        start = time.perf_counter()
        (seed_postgres if connection.vendor == "postgresql" else seed_orm)(
            args.cases - have, user.pk
        )
        ids = CaseSignal.objects.filter(signal__signal_type="pdq").values_list(
            "signal_id", flat=True
        )[:100]
        if not Dispute.objects.exists():
            Dispute.objects.bulk_create(
                [Dispute(signal_id=pk, reason="false_positive") for pk in ids]
            )
        print(f"  in {time.perf_counter() - start:.0f} s", flush=True)
    total = Case.objects.count()

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()

    rng = random.Random(16)
    sample = list(
        CaseSignal.objects.filter(pk__in=[rng.randint(1, 2 * total) for _ in range(400)])
        .select_related("case", "signal")
        .order_by("pk")
    )
    pdqs = [row.signal.value for row in sample if row.signal.signal_type == "pdq"]
    md5s = [row.signal.value for row in sample if row.signal.signal_type == "md5"]
    numbers = [row.case.number for row in sample]
    middle = Case.objects.order_by("-created_at", "-id").values_list("created_at", "id")[total // 2]
    cursor = f"{middle[0].isoformat()}_{middle[1]}"
    queries = [
        ("list: first page", lambda: ("/staff/cases/", {})),
        ("list: page in the middle", lambda: ("/staff/cases/", {"after": cursor})),
        ("list: locked", lambda: ("/staff/cases/", {"locked": "1"})),
        ("list: staff-assisted", lambda: ("/staff/cases/", {"assisted": "1"})),
        ("list: holding a suspended hash", lambda: ("/staff/cases/", {"suspended": "1"})),
        ("list: under review", lambda: ("/staff/cases/", {"review": "1"})),
        ("list: my cases", lambda: ("/staff/cases/mine/", {})),
        (
            "list: one month, locked",
            lambda: (
                "/staff/cases/",
                {"since": "2026-01-01", "until": "2026-01-31", "locked": "1"},
            ),
        ),
        ("search: whole number", lambda: ("/staff/cases/", {"q": rng.choice(numbers)})),
        ("search: number's first 4", lambda: ("/staff/cases/", {"q": rng.choice(numbers)[2:6]})),
        ("search: MD5 exact", lambda: ("/staff/cases/", {"q": rng.choice(md5s)})),
        ("search: PDQ exact", lambda: ("/staff/cases/", {"q": rng.choice(pdqs)})),
        ("search: PDQ within 31 bits", lambda: ("/staff/cases/", {"q": rng.choice(pdqs) + "~31"})),
    ]
    db_time = [0.0]

    def timed(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            db_time[0] += time.perf_counter() - start

    print(f"{total} cases on {connection.vendor}; {args.runs} requests each, in ms:")
    print("server = wall time of the whole request in this process; cpu = this process's CPU")
    print("time for it (less sensitive to a busy machine); db = time in database calls")
    print(f"{'request':<34} {'server p50':>10} {'p95':>8} {'cpu p95':>8} {'db p95':>8}")
    with connection.execute_wrapper(timed):
        for name, make in queries:
            walls, cpus, dbs = [], [], []
            for i in range(args.runs + 2):
                path, params = make()
                db_time[0] = 0.0
                start, cpu = time.perf_counter(), time.process_time()
                response = client.get(path, params)
                wall = (time.perf_counter() - start) * 1000
                cpu = (time.process_time() - cpu) * 1000
                if response.status_code not in (200, 302):
                    raise SystemExit(f"{name}: HTTP {response.status_code}")
                if i >= 2:  # the first two warm caches
                    walls.append(wall)
                    cpus.append(cpu)
                    dbs.append(db_time[0] * 1000)

            def p95(values: list[float]) -> float:
                return statistics.quantiles(values, n=20)[-1]

            print(
                f"{name:<34} {statistics.median(walls):>10.1f} {p95(walls):>8.1f} "
                f"{p95(cpus):>8.1f} {p95(dbs):>8.1f}",
                flush=True,
            )
    scan_against_index(pdqs, args.runs)


def scan_against_index(pdqs: list[str], runs: int) -> None:
    """The selector's PDQ-within-distance read alone, by a scan of every PDQ and through the
    multi-index, side by side; both must answer the same (else the benchmark stops)."""
    from hashbank.signals import multiindex, storage

    print("\nPDQ within a distance, the read alone (ms): scan of every PDQ vs the multi-index")
    print(
        f"{'distance':<10} {'probes':>7} {'found':>6} {'scan p50':>9} {'p95':>8} "
        f"{'index p50':>10} {'p95':>8}"
    )
    rng = random.Random(31)
    for distance in (0, 31, 32, 48, 64):
        scans, indexed, found = [], [], 0
        for _ in range(max(3, runs // 4) if distance > 32 else runs):
            value = rng.choice(pdqs)
            start = time.perf_counter()
            by_scan = storage.pdq_within_scan(value, distance, 200)
            middle = time.perf_counter()
            by_index = storage.pdq_within(value, distance, 200)
            end = time.perf_counter()
            if by_scan != by_index:
                raise SystemExit(f"distance {distance}: the index and the scan disagree")
            scans.append((middle - start) * 1000)
            indexed.append((end - middle) * 1000)
            found = max(found, len(by_index))

        def p95(values: list[float]) -> float:
            return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]

        print(
            f"{distance:<10} {multiindex.probe_count(distance):>7} {found:>6} "
            f"{statistics.median(scans):>9.1f} {p95(scans):>8.1f} "
            f"{statistics.median(indexed):>10.1f} {p95(indexed):>8.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()

"""Benchmark member authentication: the CPU cost of one `services.authenticate` call for a valid
token, a revoked one and a wrong secret, with the credential stored as today (HMAC-SHA256 under
the token key) and as before (Django's PBKDF2, `pbkdf2_sha256$...`), side by side; then what a
client past the failed-attempt limit costs.

    .venv/bin/python bench/token_auth.py
    .venv/bin/python bench/token_auth.py --fast 5000 --slow 5 --database postgres://postgres@127.0.0.1:5432/hb_bench_auth

Runs on its own embedded SQLite database in a temporary directory unless --database names a
PostgreSQL database (dropped and recreated). CPU time of this process (time.process_time), so the
database's own work on PostgreSQL is not counted. A legacy credential is upgraded on its first
good use, so its "valid" figure is that first use, measured with the PBKDF2 hash put back
before each call. Prints figures; asserts nothing. Target (issue 17): a bad token under 1 ms.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _scratch import recreate_database  # bench/ is the script's own directory

ROOT = Path(__file__).resolve().parent.parent


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fast", type=int, default=2000, help="calls per cheap case")
    parser.add_argument("--slow", type=int, default=3, help="calls per case that runs PBKDF2")
    parser.add_argument("--database", default="", help="a PostgreSQL URL; default: SQLite")
    return parser.parse_args()


def cpu_ms(call: Callable[[], None], times: int, before: Callable[[], None] | None = None) -> float:
    """Mean CPU milliseconds of `call` (what `before` does is not counted)."""
    total = 0.0
    for _ in range(times):
        if before is not None:
            before()
        start = time.process_time()
        call()
        total += time.process_time() - start
    return total / times * 1000


def main() -> None:
    args = parse_args()
    os.environ.pop("REDIS_URL", None)
    if args.database:
        recreate_database(args.database)
        os.environ["DATABASE_URL"] = args.database
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["HASHBANK_VAR_DIR"] = tempfile.mkdtemp(prefix="hb_bench_auth_")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hashbank.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from hashbank.core.errors import DomainError
    from member_portal.members import services
    from member_portal.members.models import Credential

    member = services.create_member(slug="bench", name="Bench")

    def credential(legacy: bool, revoked: bool = False) -> tuple[Credential, str, str]:
        cred, token = services.issue_credential(member=member)
        stored = make_password(token.split("_", 2)[2], hasher="pbkdf2_sha256") if legacy else ""
        if legacy:
            Credential.objects.filter(pk=cred.pk).update(secret_hash=stored)
        if revoked:
            services.revoke_credential(credential=cred)
        return cred, token, stored

    def attempt(token: str) -> Callable[[], None]:
        def call() -> None:
            try:
                services.authenticate(token=token, ip="192.0.2.1")
            except DomainError:
                pass

        return call

    def forged(token: str) -> str:
        return token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")

    # The cost of the checks themselves: no failure limit turns them into 429s here.
    settings.HASHBANK_AUTH_FAILURES_PER_CLIENT = 0
    settings.HASHBANK_AUTH_FAILURES_PER_KEY = 0
    rows = []
    for legacy in (False, True):
        cred, token, stored = credential(legacy)
        if legacy:

            def restore(pk=cred.pk, stored=stored) -> None:
                Credential.objects.filter(pk=pk).update(secret_hash=stored)

            valid = cpu_ms(attempt(token), args.slow, before=restore)
            restore()
            wrong = cpu_ms(attempt(forged(token)), args.slow)
        else:
            valid = cpu_ms(attempt(token), args.fast)
            wrong = cpu_ms(attempt(forged(token)), args.fast)
        services.revoke_credential(credential=cred)
        revoked = cpu_ms(attempt(token), args.fast)
        rows.append(("HMAC-SHA256" if not legacy else "legacy PBKDF2", valid, revoked, wrong))

    print("CPU ms per authentication (no failure limit)")
    print(f"{'stored as':<14} {'valid':>10} {'revoked':>10} {'wrong secret':>13}")
    for name, valid, revoked, wrong in rows:
        print(f"{name:<14} {valid:>10.3f} {revoked:>10.3f} {wrong:>13.3f}")
    print(
        "(legacy valid: its first use, which upgrades it to HMAC. Before this change every token "
        "was stored so, and PBKDF2 ran before revocation was checked: a revoked token or a wrong "
        "secret cost the legacy valid figure, without limit)"
    )

    # With the limits on: once a client, or a legacy key id, is past them, a request is
    # refused before the database is read (client) or before PBKDF2 runs (key id).
    settings.HASHBANK_AUTH_FAILURES_PER_CLIENT = 30
    settings.HASHBANK_AUTH_FAILURES_PER_KEY = 30
    unknown = "hbk_0123456789abcdef_" + "x" * 43
    for _ in range(30):
        attempt(unknown)()
    limited = cpu_ms(attempt(unknown), args.fast)
    print(f"a client past the failed-attempt limit: {limited:.3f} CPU ms per request (429)")
    settings.HASHBANK_AUTH_FAILURES_PER_CLIENT = 0
    _, token, _ = credential(legacy=True)
    for _ in range(30):
        attempt(forged(token))()
    limited = cpu_ms(attempt(forged(token)), args.fast)
    print(f"a legacy key id past the failed-attempt limit: {limited:.3f} CPU ms per request (429)")


if __name__ == "__main__":
    main()

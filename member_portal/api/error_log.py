"""A member's recent API errors, for its own first-sync checklist in the portal.

Each answer of 400 or more to an authenticated member (a credential the bank recognised) keeps
when, the method, the route's pattern (`api/v1/disputes/<str:dispute_id>`, never the path
itself, which may carry a hash value), the status and the error code: never a query string, a
body, a token or an address. The newest `KEEP` per member, for `DAYS` days, in the cache (Redis
in production): a log for reading, not a record, so losing it loses nothing that matters.
"""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone
from django.utils.dateparse import parse_datetime

KEEP = 50
DAYS = 7


def _key(member_id: int) -> str:
    return f"hashbank:api-errors:{member_id}"


def record(*, member_id: int, method: str, route: str, status: int, code: str) -> None:
    entry = {
        "at": timezone.now().isoformat(),
        "method": method[:8],
        "route": route[:120],
        "status": status,
        "code": code[:64],
    }
    try:
        entries = cache.get(_key(member_id)) or []
        cache.set(_key(member_id), [entry, *entries][:KEEP], timeout=DAYS * 86400)
    except Exception:  # noqa: BLE001 - a cache outage must not turn an error answer into a 500
        return


def recent(member_id: int) -> list[dict]:
    """The member's newest errors first (each: at, a datetime; method, route, status, code)."""
    try:
        entries = list(cache.get(_key(member_id)) or [])
    except Exception:  # noqa: BLE001 - the checklist shows none rather than failing
        return []
    return [{**entry, "at": parse_datetime(entry["at"])} for entry in entries]

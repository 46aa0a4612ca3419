"""One-use tokens (a proof of work's challenge token, hashbank/submissions/proof.py), spent once
across every web process.

`first_use` marks a token in Redis (SET NX with the token's remaining lifetime) and, when Redis is
unreachable or not configured, in the database (`core_spenttoken`: an INSERT that conflicts on the
token means it was already spent; rows past their expiry are deleted on each such write). Both are
shared by all processes, so a spent token is refused by every gunicorn worker, during an outage
too. A mark Redis accepted is also checked against the database, so a token spent there during an
outage is not usable again once Redis is back. The one gap left: a token spent through Redis just
before Redis fails can be spent once more through the database during the outage (twice in all,
whatever the number of processes); closing it would cost a database write on every proof.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from redis.exceptions import RedisError

from hashbank.core.models import SpentToken
from hashbank.core.redis import shared_client

REDIS_PREFIX = "hashbank:pow:used:"


def first_use(*, token: str, ttl: int) -> bool:
    """True the first time `token` is spent within `ttl` seconds (the token's remaining lifetime
    plus a margin), False if it was spent before."""
    client = shared_client()
    if client is not None:
        try:
            if not client.set(REDIS_PREFIX + token, 1, nx=True, ex=ttl):
                return False
        except RedisError:
            return _first_use_in_database(token, ttl)
        return not SpentToken.objects.filter(token=token, expires_at__gt=timezone.now()).exists()
    return _first_use_in_database(token, ttl)


def _first_use_in_database(token: str, ttl: int) -> bool:
    now = timezone.now()
    SpentToken.objects.filter(expires_at__lte=now).delete()
    try:
        with transaction.atomic():  # a savepoint inside the request's transaction, if any
            SpentToken.objects.create(token=token, expires_at=now + datetime.timedelta(seconds=ttl))
    except IntegrityError:
        return False
    return True

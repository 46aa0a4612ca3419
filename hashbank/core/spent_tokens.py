"""One-use tokens (a proof of work's challenge token, hashbank/submissions/proof.py), spent once
across every web process, whatever Redis is doing.

`first_use` inserts the token into `core_spenttoken`, whose primary key it is: an INSERT that
conflicts means the token was spent before. The database is the state every gunicorn worker
shares and the one a submission needs anyway, so the rule holds across processes, through a Redis
outage and across its start and end. (Redis SET NX, with the process's memory while Redis was down,
let a spent token be replayed once per process during an outage; and a mark kept in Redis only
while it answers, the database only while it does not, still let a token spent just before an
outage be spent again during it: deploy/reliability.py with RELIABILITY_POW=1 found 10 such
replays in 3,056.) Rows past their expiry are deleted on each write: the table holds the tokens of
the last HASHBANK_POW_TTL_SECONDS (plus a minute) only.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from hashbank.core.models import SpentToken


def first_use(*, token: str, ttl: int) -> bool:
    """True the first time `token` is spent within `ttl` seconds (the token's remaining lifetime
    plus a margin), False if it was spent before."""
    now = timezone.now()
    SpentToken.objects.filter(expires_at__lte=now).delete()
    try:
        with transaction.atomic():  # a savepoint inside the request's transaction, if any
            SpentToken.objects.create(token=token, expires_at=now + datetime.timedelta(seconds=ttl))
    except IntegrityError:
        return False
    return True

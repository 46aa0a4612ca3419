"""Proof of work beyond a few submissions a day per client (issue 17).

A client (the throttles' key: its IPv4 address or IPv6 /64, as an HMAC, never the address) sends
HASHBANK_POW_FREE_PER_DAY submissions a day without one. After that each submission must carry
`proof: {challenge, nonce}` solving a challenge this module issued to that client (the browser's
Web Worker does the work: hasher/pow-worker.js); the difficulty rises by one bit per submission
past the free ones, from HASHBANK_POW_BASE_BITS to HASHBANK_POW_MAX_BITS. Without a proof the
answer is 428 `pow_required` with a fresh challenge in `detail`; a forged, altered or
already-used proof is 400 `pow_invalid`; an expired one 400 `pow_expired` with a fresh challenge.

Checking needs no state but the one-use mark: a challenge's token is remembered in the database
until it has expired (hashbank/core/spent_tokens.py), so a proof is spent once whichever web
process serves it, Redis up or down.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from hashbank.core import proof_of_work, ratelimit, spent_tokens
from hashbank.core.errors import DomainError
from hashbank.submissions.errors import SubmissionErrorCode
from hashbank.submissions.throttle import DAY, client_key

SCOPE = "submit/day"

REQUIRED_MESSAGE = (
    "This device has sent several cases today: solve the challenge in detail and send again with "
    "proof {challenge, nonce}."
)
INVALID_MESSAGE = "That proof is not valid for this device, or was already used."
EXPIRED_MESSAGE = "That challenge has expired: solve the new one in detail."


class ProofRequired(DomainError):
    code = SubmissionErrorCode.POW_REQUIRED
    status = 428


class ProofRefused(DomainError):
    code = SubmissionErrorCode.POW_INVALID
    status = 400


def _key() -> bytes:
    return hashlib.sha256(b"hashbank/pow-key\x00" + settings.SECRET_KEY.encode()).digest()


def difficulty(sent_today: int) -> int:
    """The bits asked of a client that already sent `sent_today` submissions today (0: none)."""
    past = sent_today - settings.HASHBANK_POW_FREE_PER_DAY
    if past < 0:
        return 0
    return min(settings.HASHBANK_POW_BASE_BITS + past, settings.HASHBANK_POW_MAX_BITS)


def challenge_for(subject: str, bits: int) -> dict[str, Any]:
    """A fresh challenge, as `detail` carries it."""
    ttl = settings.HASHBANK_POW_TTL_SECONDS
    issued = proof_of_work.issue(
        key=_key(), subject=subject, bits=bits, now=int(time.time()), ttl=ttl
    )
    return {"challenge": issued.text, "bits": bits, "expires_in": ttl}


def require(request: HttpRequest, proof: object) -> None:
    """Refuse this submission unless the client is within its free ones today or `proof`
    solves a challenge issued to it. Spends the proof."""
    subject = client_key(request)
    bits = difficulty(ratelimit.current(scope=SCOPE, subject=subject, window=DAY))
    if bits == 0:
        return
    if proof is None:
        raise ProofRequired(REQUIRED_MESSAGE, detail=challenge_for(subject, bits))
    if not isinstance(proof, dict) or set(proof) != {"challenge", "nonce"}:
        raise ProofRefused(INVALID_MESSAGE)
    try:
        checked = proof_of_work.check(
            key=_key(),
            subject=subject,
            challenge=proof["challenge"],
            nonce=proof["nonce"],
            now=int(time.time()),
        )
    except proof_of_work.ProofExpired:
        raise ProofRefused(
            EXPIRED_MESSAGE,
            code=SubmissionErrorCode.POW_EXPIRED,
            detail=challenge_for(subject, bits),
        ) from None
    except proof_of_work.ProofInvalid:
        raise ProofRefused(INVALID_MESSAGE) from None
    ttl = max(checked.expires - int(time.time()), 0) + 60
    if not spent_tokens.first_use(token=checked.token, ttl=ttl):
        raise ProofRefused(INVALID_MESSAGE)
    if checked.bits < bits:  # issued before this client's later submissions raised the bar
        raise ProofRequired(REQUIRED_MESSAGE, detail=challenge_for(subject, bits))


def count(request: HttpRequest) -> None:
    """One more submission saved for this client today."""
    ratelimit.record(scope=SCOPE, subject=client_key(request), window=DAY)

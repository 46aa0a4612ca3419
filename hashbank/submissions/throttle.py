"""Per-client throttles that never store an address in the clear.

A client is the HMAC-SHA256 of its address under SECRET_KEY (truncated): the cache can count
requests per client, but the key reveals no address to whoever reads Redis, and cannot be
reversed by hashing the whole IPv4 space without the secret.

An IPv6 client is its /64, since one subscriber can rotate through a whole /64 at will, and a
second tier counts each /48 against a higher limit (HASHBANK_THROTTLE_48_FACTOR times the
client's), so that walking through the /64s of one site is bounded too
(hashbank/core/addresses.py: `throttle_networks`). IPv4 clients, and IPv4-mapped IPv6
addresses, are counted per IPv4 address with no second tier.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from hashbank.cases import services
from hashbank.cases.errors import PinRetryLater, WrongCredentials
from hashbank.core import admission, ratelimit
from hashbank.core.addresses import client_address, client_keys
from hashbank.core.errors import RateLimited
from hashbank.submissions.errors import SubmissionErrorCode

HOUR = 3600
DAY = 24 * HOUR
HASHES_MESSAGE = (
    "This device has sent as many fingerprints as we accept in one day. Nothing more was saved; "
    "please try again tomorrow, or contact the helpline."
)
MESSAGE = "Too many requests from this device; please wait and try again."
NETWORK_MESSAGE = "Too many requests from this network; please wait and try again."


def client_key(request: HttpRequest) -> str:
    """The key a throttle counts this request's client by (its IPv4 address or IPv6 /64)."""
    return client_keys(client_address(request))[0]


def check(
    request: HttpRequest,
    *,
    scope: str,
    limit: int,
    window: int = HOUR,
    amount: int = 1,
    message: str = MESSAGE,
) -> None:
    """Count `amount` (one request, or its hashes) for this client in this scope, and for its
    /48 in the scope's second tier; raise RateLimited past either limit."""
    client, network = client_keys(client_address(request))
    ratelimit.enforce(
        scope=scope, subject=client, limit=limit, window=window, message=message, amount=amount
    )
    factor = settings.HASHBANK_THROTTLE_48_FACTOR
    # Counted only once the client itself was admitted: a single /64 hammering past its own
    # limit then adds at most `limit` to its /48, and cannot lock its neighbours out alone.
    if network is not None and factor > 0:
        ratelimit.enforce(
            scope=f"{scope}/48",
            subject=network,
            limit=limit * factor,
            window=window,
            message=NETWORK_MESSAGE,
            amount=amount,
        )


def check_submission(request: HttpRequest) -> None:
    """This client's hourly limit, then the bank-wide cap (a 503 past it; see core.admission):
    a client refused by its own limit is not counted against everyone's."""
    check(request, scope="submit", limit=settings.HASHBANK_SUBMISSIONS_PER_HOUR)
    admission.admit_submission()


def check_hashes(request: HttpRequest, hashes: object) -> None:
    """Count the hashes of one submission against this client's daily cap, across its cases
    (HASHBANK_HASHES_PER_CLIENT_PER_DAY; a list's length, before the hashes are checked)."""
    limit = settings.HASHBANK_HASHES_PER_CLIENT_PER_DAY
    if limit <= 0 or not isinstance(hashes, list) or not hashes:
        return
    try:
        check(
            request,
            scope="hashes/day",
            limit=limit,
            window=DAY,
            amount=len(hashes),
            message=HASHES_MESSAGE,
        )
    except RateLimited as refused:
        refused.code = SubmissionErrorCode.TOO_MANY_HASHES_TODAY
        raise


def check_pin(request: HttpRequest) -> None:
    check(request, scope="pin", limit=settings.HASHBANK_PIN_CHECKS_PER_HOUR)


# Wrong PINs per client: whoever sends them is "guessing" for an hour or two (this window and
# the next), and past HASHBANK_PIN_FAILURES_PER_CLIENT_PER_HOUR is refused outright. The cases'
# own delay and lock stop only guessing clients (cases.services.authenticate_case), so a case
# number known to an attacker never locks its owner out.
FAILURES = "pin/wrong"


def has_guessed(request: HttpRequest) -> bool:
    """Whether this client sent a wrong PIN in this hour's window or the last one."""
    client = client_key(request)
    return bool(
        ratelimit.current(scope=FAILURES, subject=client, window=HOUR)
        or ratelimit.history(scope=FAILURES, subject=client, window=HOUR, windows=1)[0]
    )


def check_pin_failures(request: HttpRequest) -> None:
    """Refuse a client that sent too many wrong PINs this hour, before its PIN is checked."""
    wait = ratelimit.retry_after_if_reached(
        scope=FAILURES,
        subject=client_key(request),
        limit=settings.HASHBANK_PIN_FAILURES_PER_CLIENT_PER_HOUR,
        window=HOUR,
    )
    if wait is not None:
        raise PinRetryLater(
            f"Too many wrong PINs from this device; try again in {wait} seconds.",
            retry_after=wait,
        )


def authenticate(request: HttpRequest, *, number: str, pin: str):
    """The case for (number, PIN) asked by this client: its hourly PIN checks and wrong PINs
    counted, the cases' delay and lock applied only if it has been guessing."""
    check_pin_failures(request)
    try:
        return services.authenticate_case(number=number, pin=pin, guessing=has_guessed(request))
    except WrongCredentials:
        ratelimit.record(scope=FAILURES, subject=client_key(request), window=HOUR, keep=2)
        raise

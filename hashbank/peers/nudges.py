"""Nudges: after each checkpoint this bank publishes, every active peer is told to sync our log
now (`POST /peer/v1/nudge`, docs/peer-api.md), so a removal reaches its mirror in seconds rather
than at its next scheduled sync. Polling stays the fallback: a lost nudge costs at most the
peer's HASHBANK_MIRROR_INTERVAL.

Never on the publish's path: the receiver (receivers.py) only queues. Per peer at most one nudge
is queued at a time (a flag in the cache, cleared when the nudge starts), and a nudge always
sends our latest published size, so a burst of checkpoints becomes one or two nudges. A failed
nudge is retried with backoff (HASHBANK_NUDGE_RETRY_SECONDS doubling, at most
HASHBANK_NUDGE_RETRIES times) and recorded on the peer row (`nudge_error`, `nudge_failures`),
which `peers list` and the console show.

Production (Celery): tasks.nudge_peer. The embedded default (tasks run in-process, which would
block the publish on the peer's answer): a daemon thread per nudge.
"""

from __future__ import annotations

import json
import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections
from django.utils import timezone

from hashbank.ledger import selectors as ledger
from hashbank.peers import selectors
from hashbank.peers.client import PeerClient, PeerUnreachable
from hashbank.peers.models import Peer

log = logging.getLogger(__name__)
NUDGE = "/peer/v1/nudge"
# Answers that say the peer will never take this nudge (a retry cannot help): the rest (5xx,
# 408, 425, 429, unreachable) are retried.
_FINAL = {400, 401, 403, 404, 409, 413}


class NudgeFailed(Exception):
    def __init__(self, message: str, *, final: bool = False) -> None:
        super().__init__(message)
        self.final = final


def _queued_key(peer_pk: int) -> str:
    return f"hashbank:nudge-queued:{peer_pk}"


def queue_all(*, enqueue) -> int:
    """Queue a nudge for every active peer that has none queued; `enqueue(peer_pk)` queues one
    (the Celery task, or a thread). The number queued."""
    queued = 0
    for peer in selectors.active_peers():
        # The flag expires by itself, so a worker that died with it set delays nudges, never
        # stops them.
        if cache.add(_queued_key(peer.pk), 1, timeout=max(60, settings.HASHBANK_PEER_TIMEOUT * 2)):
            enqueue(peer.pk)
            queued += 1
    return queued


def send(*, peer_pk: int) -> dict:
    """One nudge of one peer with our latest published size: the peer's answer (JSON). Clears
    the queued flag first, so a checkpoint published while this runs queues the next nudge.
    Raises NudgeFailed (recorded on the peer row)."""
    cache.delete(_queued_key(peer_pk))
    peer = Peer.objects.filter(pk=peer_pk, status=Peer.Status.ACTIVE).first()
    latest = ledger.latest_checkpoint()
    if peer is None or latest is None:
        return {}
    body = json.dumps({"origin": settings.HASHBANK_ORIGIN, "size": latest.size}).encode()
    try:
        status, _, answer = PeerClient(peer, timeout=settings.HASHBANK_NUDGE_TIMEOUT).post(
            NUDGE, body, "application/json"
        )
    except PeerUnreachable as exc:
        _failed(peer, f"unreachable: {exc}")
        raise NudgeFailed(str(exc)) from None
    if status != 202:
        reason = f"answered {status} {_code(answer)}".strip()
        _failed(peer, reason)
        raise NudgeFailed(reason, final=status in _FINAL)
    Peer.objects.filter(pk=peer.pk).update(
        nudged_at=timezone.now(), nudged_size=latest.size, nudge_failures=0, nudge_error=""
    )
    try:
        return json.loads(answer)
    except ValueError:
        return {}


def _code(answer: bytes) -> str:
    try:
        return str(json.loads(answer)["error"]["code"])[:64]
    except (ValueError, KeyError, TypeError):
        return ""


def _failed(peer: Peer, reason: str) -> None:
    Peer.objects.filter(pk=peer.pk).update(
        nudge_failures=peer.nudge_failures + 1, nudge_error=reason[:500]
    )
    log.warning("nudge failed", extra={"peer": peer.name, "failures": peer.nudge_failures + 1})


def retry_delay(attempt: int) -> float:
    """Seconds before retry `attempt` (1, 2, ...): HASHBANK_NUDGE_RETRY_SECONDS doubling."""
    return settings.HASHBANK_NUDGE_RETRY_SECONDS * 2 ** (attempt - 1)


def send_in_thread(peer_pk: int) -> None:
    """The embedded default's queue: the nudge and its retries in a daemon thread."""
    threading.Thread(target=_thread, args=(peer_pk,), daemon=True).start()


def _thread(peer_pk: int) -> None:
    try:
        send_with_retries(peer_pk)
    except Exception:  # the thread must not die silently on a database hiccup
        log.exception("nudge thread failed")
    finally:
        close_old_connections()  # the thread's own connection


def send_with_retries(peer_pk: int) -> None:
    """One nudge and, while it fails with an answer a retry may change, its retries after
    retry_delay(1), retry_delay(2), ... (at most HASHBANK_NUDGE_RETRIES)."""
    for attempt in range(settings.HASHBANK_NUDGE_RETRIES + 1):
        try:
            send(peer_pk=peer_pk)
            return
        except NudgeFailed as exc:
            if exc.final or attempt == settings.HASHBANK_NUDGE_RETRIES:
                return
        # A background thread's backoff: nothing waits on it.
        time.sleep(retry_delay(attempt + 1))

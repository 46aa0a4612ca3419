"""Writes for forwarding (docs/peer-api.md). On the bank a member sent a report or dispute to
(B), about a signal of a mirrored origin (A):

- `forward_report` / `forward_dispute` store a `Forward` (idempotent by the member's
  Idempotency-Key) and, once that commits, `deliver` it to A's peer API with a fresh forwarding
  id, which A deduplicates by: a retry never makes a second report or dispute there.
- `deliver` POSTs it; a 2xx marks it delivered (a dispute then waits for A's decision), a
  refusal A means (4xx but 401/403/408/425/429) marks it refused with A's code, anything else
  (A down, 5xx, our credential refused) is retried with exponential backoff.
- `poll` reads an undecided dispute's outcome from A (`GET /peer/v1/disputes/<forward_id>`)
  every HASHBANK_FORWARD_POLL_SECONDS until A's reviewers decide it.
- `run_due` (Celery beat, or `manage.py forwarding run`) does both for whatever is due.

The HTTP calls run outside any transaction (hashbank.peers.client touches no database); the
answer is applied to the row under a lock only if the row is still in the state it was read in,
so two workers delivering the same forward at once change it once.
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from hashbank.core import idempotency
from hashbank.core.errors import Conflict, NotFound
from hashbank.disputes import services as dispute_services
from hashbank.disputes.models import Dispute
from hashbank.forwarding import selectors
from hashbank.forwarding.errors import ForwardErrorCode
from hashbank.forwarding.events import forward_stored
from hashbank.forwarding.models import Forward
from hashbank.peers import selectors as peers
from hashbank.peers.client import PeerClient, PeerUnreachable
from hashbank.peers.models import Peer

log = logging.getLogger(__name__)

# A refusal the origin means for good; these others may pass (our credential being rotated, the
# origin shedding load), so they are retried like an outage.
RETRIED_STATUSES = {401, 403, 408, 425, 429}


def _peer_for(origin: str) -> Peer:
    peer = peers.peer_by_origin_id(selectors.named_origin_id(origin))
    if peer is None or peer.status == Peer.Status.REMOVED:
        raise NotFound(
            "This bank neither is nor mirrors that origin.", code=ForwardErrorCode.UNKNOWN_ORIGIN
        )
    if peer.status != Peer.Status.ACTIVE:
        raise Conflict(
            "The origin's bank is a suspended peer; reports and disputes about its signals are "
            "not forwarded until it is resumed.",
            code=ForwardErrorCode.PEER_UNAVAILABLE,
        )
    return peer


def _store(
    *, member, peer: Peer, idempotency_key: str | None, fields: dict
) -> tuple[Forward, bool]:
    payload = {"origin_id": peer.origin_id, **fields}

    def create(fingerprint: str) -> Forward:
        return Forward.objects.create(
            forward_id=secrets.token_hex(16),
            member=member,
            origin=peer.origin,
            origin_id=peer.origin_id,
            peer_name=peer.name,
            next_attempt_at=timezone.now(),
            idempotency_key=idempotency.clean_key(idempotency_key),
            request_fingerprint=fingerprint,
            **fields,
        )

    forward, created = idempotency.once(
        Forward, member=member, key=idempotency_key, payload=payload, create=create
    )
    if created:
        forward_stored.send(sender=Forward, forward_pk=forward.pk)
    return forward, created


def _signal_fields(peer: Peer, seq: int, signal_type: str, value: str) -> dict:
    """The entry the member named, as our mirror of the origin holds it (checked here, so that an
    unknown seq is refused at once; the origin checks it again)."""
    if not isinstance(seq, int) or seq < 0:
        raise NotFound(
            "Name the origin's signal by its sequence number (seq).",
            code=ForwardErrorCode.UNKNOWN_SEQ,
        )
    held_type, held_value = selectors.mirrored_signal_at(
        origin_id=peer.origin_id, seq=seq, signal_type=signal_type, value=value
    )
    return {"seq": seq, "signal_type": held_type, "value": held_value}


@transaction.atomic
def forward_report(
    *,
    member,
    origin: str,
    seq: int,
    action: str,
    signal_type: str = "",
    value: str = "",
    matched_at: datetime | None = None,
    distance: int | None = None,
    human_confirmed: bool = False,
    idempotency_key: str | None = None,
) -> tuple[Forward, bool]:
    """(forward, created): a member's match report about a mirrored origin's signal, stored and
    delivered to the origin after commit. The action is checked by the member API's serializer
    and again by the origin."""
    peer = _peer_for(origin)
    fields = {
        "kind": Forward.Kind.REPORT,
        **_signal_fields(peer, seq, signal_type, value),
        "action": action,
        "matched_at": matched_at,
        "distance": distance,
        "human_confirmed": bool(human_confirmed),
    }
    return _store(member=member, peer=peer, idempotency_key=idempotency_key, fields=fields)


@transaction.atomic
def forward_dispute(
    *,
    member,
    origin: str,
    seq: int,
    reason: str,
    note: str = "",
    content_description: str = "",
    signal_type: str = "",
    value: str = "",
    idempotency_key: str | None = None,
) -> tuple[Forward, bool]:
    """(forward, created): a member's dispute of a mirrored origin's signal, stored and delivered
    to the origin after commit; the origin's reviewers decide it."""
    peer = _peer_for(origin)
    note, description = dispute_services.clean_dispute_text(
        reason=reason, note=note, content_description=content_description
    )
    fields = {
        "kind": Forward.Kind.DISPUTE,
        **_signal_fields(peer, seq, signal_type, value),
        "reason": reason,
        "note": note,
        "content_description": description,
    }
    return _store(member=member, peer=peer, idempotency_key=idempotency_key, fields=fields)


# --- delivery and outcome -----------------------------------------------------------------------


def _body(forward: Forward) -> bytes:
    member = forward.member
    body = {
        "forward_id": forward.forward_id,
        "origin": forward.origin,
        "seq": forward.seq,
        "member": f"{member.name} ({member.slug})",
    }
    if forward.signal_type:
        body["signal_type"] = forward.signal_type
    if forward.value:
        body["value"] = forward.value
    if forward.kind == Forward.Kind.REPORT:
        body["action"] = forward.action
        if forward.matched_at is not None:
            body["matched_at"] = forward.matched_at.isoformat()
        if forward.distance is not None:
            body["distance"] = forward.distance
        if forward.human_confirmed:
            body["human_confirmed"] = True
    else:
        body["reason"] = forward.reason
        body["note"] = forward.note
        if forward.content_description:
            body["content_description"] = forward.content_description
    return json.dumps(body).encode()


def _backoff(attempts: int) -> timedelta:
    base = settings.HASHBANK_FORWARD_RETRY_SECONDS
    return timedelta(
        seconds=min(settings.HASHBANK_FORWARD_RETRY_MAX_SECONDS, base * 2 ** (attempts - 1))
    )


def _answer(body: bytes) -> dict | None:
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None


def _error_code(body: bytes) -> str:
    error = (_answer(body) or {}).get("error")
    code = error.get("code") if isinstance(error, dict) else None
    return code[:64] if isinstance(code, str) and code.isprintable() else "no error code"


def _call(forward: Forward, method: str) -> tuple[int | None, bytes, str]:
    """(status or None, body, what failed): the HTTP exchange, touching no database."""
    peer = peers.peer_by_name(forward.peer_name)
    if peer is None or peer.status != Peer.Status.ACTIVE:
        return None, b"", "the peer is not active"
    client = PeerClient(peer)
    path = "/peer/v1/reports" if forward.kind == Forward.Kind.REPORT else "/peer/v1/disputes"
    try:
        if method == "POST":
            status, _headers, body = client.post(path, _body(forward), "application/json")
        else:
            status, _headers, body = client.get(f"/peer/v1/disputes/{forward.forward_id}")
    except PeerUnreachable as exc:
        return None, b"", f"unreachable: {exc}"[:200]
    return status, body, ""


def _apply_outcome(forward: Forward, answer: dict, now: datetime) -> None:
    status = answer.get("status")
    if forward.kind == Forward.Kind.REPORT or status not in Dispute.Status.values:
        return
    forward.outcome = status
    decision = answer.get("decision")
    if status != Dispute.Status.OPEN and isinstance(decision, dict):
        forward.state = Forward.State.DECIDED
        forward.decision_code = str(decision.get("code") or "")[:32]
        forward.decision_reason = str(decision.get("reason") or "")
        decided = decision.get("decided_at")
        forward.decided_at = (parse_datetime(decided) if isinstance(decided, str) else None) or now
        forward.next_attempt_at = None
    else:
        forward.next_attempt_at = now + timedelta(seconds=settings.HASHBANK_FORWARD_POLL_SECONDS)


def _locked(forward: Forward, seen_state: str) -> Forward | None:
    row = Forward.objects.select_for_update().filter(pk=forward.pk).first()
    return row if row is not None and row.state == seen_state else None


def deliver(forward_pk: int) -> Forward | None:
    """Deliver a pending forward to the origin bank now (whatever its backoff says); a forward
    that is no longer pending is left alone."""
    forward = Forward.objects.select_related("member").filter(pk=forward_pk).first()
    if forward is None or forward.state != Forward.State.PENDING:
        return forward
    status, body, failure = _call(forward, "POST")
    now = timezone.now()
    with transaction.atomic():
        row = _locked(forward, Forward.State.PENDING)
        if row is None:
            return forward
        row.attempts += 1
        row.last_status = status
        answer = _answer(body) if status is not None and 200 <= status < 300 else None
        if answer is not None:
            row.state = Forward.State.DELIVERED
            row.delivered_at = now
            row.last_error = ""
            row.remote_id = answer.get("id") if isinstance(answer.get("id"), int) else None
            row.next_attempt_at = None
            _apply_outcome(row, answer, now)
        elif status is not None and 400 <= status < 500 and status not in RETRIED_STATUSES:
            row.state = Forward.State.REFUSED
            row.last_error = _error_code(body)
            row.next_attempt_at = None
        else:
            row.last_error = failure or (
                f"HTTP {status}: {_error_code(body)}" if status else "no answer"
            )
            row.next_attempt_at = now + _backoff(row.attempts)
        row.save()
    log.info(
        "forward %s to %s: %s after %d attempt(s)", row.pk, row.peer_name, row.state, row.attempts
    )
    return row


def poll(forward_pk: int) -> Forward | None:
    """Read an undecided dispute's outcome from the origin bank."""
    forward = Forward.objects.filter(pk=forward_pk).first()
    if forward is None or forward.state != Forward.State.DELIVERED or not forward.is_open:
        return forward
    status, body, failure = _call(forward, "GET")
    now = timezone.now()
    with transaction.atomic():
        row = _locked(forward, Forward.State.DELIVERED)
        if row is None:
            return forward
        row.polled_at = now
        row.last_status = status
        answer = _answer(body) if status == 200 else None
        if answer is not None:
            row.last_error = ""
            _apply_outcome(row, answer, now)
        elif status == 404:
            # The origin does not know it (restored from a backup?): deliver it again; the
            # forwarding id keeps that from making a second dispute if it does know it.
            row.state = Forward.State.PENDING
            row.last_error = _error_code(body)
            row.next_attempt_at = now
        else:
            row.attempts += 1
            row.last_error = failure or f"HTTP {status}: {_error_code(body)}"
            row.next_attempt_at = now + _backoff(row.attempts)
        row.save()
    return row


def run_due(*, now: datetime | None = None, limit: int = 200) -> int:
    """Deliver the pending forwards and poll the undecided disputes that are due, oldest first;
    how many were tried."""
    now = now or timezone.now()
    due = list(
        Forward.objects.filter(
            state__in=[Forward.State.PENDING, Forward.State.DELIVERED],
            next_attempt_at__lte=now,
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", "state")[:limit]
    )
    for pk, state in due:
        if state == Forward.State.PENDING:
            deliver(pk)
        else:
            poll(pk)
    return len(due)


def retry_now(*, forward_id: str) -> Forward:
    """`manage.py forwarding retry`: a pending or refused forward is due again at once (a refused
    one goes back to pending, e.g. after the origin's operator fixed what refused it)."""
    forward = Forward.objects.filter(forward_id=forward_id).first()
    if forward is None:
        raise NotFound("No such forward.", code=ForwardErrorCode.NO_SUCH_FORWARD)
    if forward.state in (Forward.State.PENDING, Forward.State.REFUSED):
        forward.state = Forward.State.PENDING
        forward.next_attempt_at = timezone.now()
        forward.save(update_fields=["state", "next_attempt_at"])
    return forward

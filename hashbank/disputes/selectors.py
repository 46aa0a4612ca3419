"""Reads for disputes: the staff review queue and a member's own disputes."""

from __future__ import annotations

from django.db.models import QuerySet

from hashbank.core.errors import NotFound
from hashbank.disputes.errors import DisputeErrorCode
from hashbank.disputes.models import Dispute


def review_queue() -> QuerySet[Dispute]:
    """Open disputes, members' and staff-raised alike, oldest first; each has `due_at` (created +
    target) and `overdue`."""
    return (
        Dispute.objects.filter(status=Dispute.Status.OPEN)
        .select_related("member", "raised_by", "signal")
        .order_by("created_at", "pk")
    )


def disputes_for_member(member) -> QuerySet[Dispute]:
    return (
        Dispute.objects.filter(member=member)
        .select_related("signal")
        .order_by("-created_at", "-pk")
    )


def dispute_for_member(member, dispute_id: int) -> Dispute:
    """A member's own dispute; another member's is reported as absent, never as forbidden."""
    dispute = disputes_for_member(member).filter(pk=dispute_id).first()
    if dispute is None:
        raise NotFound("No such dispute.", code=DisputeErrorCode.UNKNOWN_DISPUTE)
    return dispute


def open_disputed_signals() -> QuerySet:
    """The ids of signals with an open dispute, as a subquery (the case list's "under review")."""
    return Dispute.objects.filter(status=Dispute.Status.OPEN).values("signal_id")


def forwarded_dispute(member, forward_id: str) -> Dispute | None:
    """The dispute a peer bank (a member of kind "peer") forwarded with this forwarding id."""
    return (
        Dispute.objects.filter(member=member, idempotency_key=forward_id)
        .select_related("signal")
        .first()
    )

"""Reads for disputes: the staff review queue and a member's own disputes."""

from __future__ import annotations

from django.db.models import Q, QuerySet

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


def earlier_disputes(dispute: Dispute) -> QuerySet[Dispute]:
    """Every other dispute of the same signal (any member, staff too), newest first, with its
    outcome: what was said about this hash before."""
    return (
        Dispute.objects.filter(signal_id=dispute.signal_id)
        .exclude(pk=dispute.pk)
        .select_related("member", "raised_by", "reviewer")
        .order_by("-created_at", "-pk")
    )


DECIDED_PAGE = 50


def decided_disputes(
    *,
    status: str = "",
    member_slug: str = "",
    signal_ids: QuerySet | list[int] | None = None,
    dispute_id: int | None = None,
    before: tuple | None = None,
    limit: int = DECIDED_PAGE,
) -> list[Dispute]:
    """Decided disputes, the newest decision first, `limit` of them from after the keyset
    `before` = (decided_at, pk) of the previous page's last row. Filters: the outcome, the
    member's slug, the signals (a search by hash value), one dispute number."""
    qs = Dispute.objects.filter(decided_at__isnull=False).select_related(
        "member", "raised_by", "reviewer", "signal"
    )
    if status in (Dispute.Status.UPHELD, Dispute.Status.REJECTED):
        qs = qs.filter(status=status)
    if member_slug:
        qs = qs.filter(member__slug=member_slug)
    if signal_ids is not None:
        qs = qs.filter(signal_id__in=signal_ids)
    if dispute_id is not None:
        qs = qs.filter(pk=dispute_id)
    if before is not None:
        at, pk = before
        qs = qs.filter(Q(decided_at__lt=at) | Q(decided_at=at, pk__lt=pk))
    return list(qs.order_by("-decided_at", "-pk")[:limit])

"""Disputes: a member raises one against a signal; a reviewer upholds it (the signal leaves the
feed) or rejects it. Members read the outcome through the API and the portal."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hashbank.audit import services as audit
from hashbank.cases import services as cases
from hashbank.core import idempotency
from hashbank.core.errors import Conflict, DomainError, PermissionDenied
from hashbank.disputes.errors import DisputeErrorCode
from hashbank.disputes.models import Dispute, DisputeApproval, reviewers_needed
from hashbank.signals.models import Signal
from hashbank.signals.selectors import published_signal


def _audit(actor, action: str, dispute: Dispute, **kw) -> None:
    if actor is None:
        return
    audit.record_event(
        actor=actor, action=action, target=f"dispute:{dispute.pk}", member=dispute.member, **kw
    )


def clean_dispute_text(*, reason: str, note: str, content_description: str) -> tuple[str, str]:
    """(note, content description) of a dispute, checked: a known reason, texts within their
    lengths. Also used for a dispute forwarded to another bank (hashbank.forwarding)."""
    if reason not in Dispute.Reason.values:
        # Members' requests are checked against the same choices by their serializer first.
        raise DomainError(_("Choose a reason from the list."), code=DisputeErrorCode.INVALID_REASON)
    # A browser counts a line break as one character against maxlength; a form sends two.
    note = (note or "").replace("\r\n", "\n").strip()
    if len(note) > Dispute.NOTE_MAX_LENGTH:
        raise DomainError(
            _("The note is %(length)s characters long; keep it to %(limit)s.")
            % {"length": len(note), "limit": Dispute.NOTE_MAX_LENGTH},
            code=DisputeErrorCode.NOTE_TOO_LONG,
        )
    description = (content_description or "").replace("\r\n", "\n").strip()
    if len(description) > Dispute.DESCRIPTION_MAX_LENGTH:
        raise DomainError(
            _("The content description is %(length)s characters long; keep it to %(limit)s.")
            % {"length": len(description), "limit": Dispute.DESCRIPTION_MAX_LENGTH},
            code=DisputeErrorCode.DESCRIPTION_TOO_LONG,
        )
    return note, description


@transaction.atomic
def raise_dispute(
    *,
    member=None,
    signal_type: str = "",
    value: str = "",
    signal=None,
    reason: str,
    note: str = "",
    content_description: str = "",
    idempotency_key: str | None = None,
    forwarded_for: str = "",
    actor=None,
) -> tuple[Dispute, bool]:
    """(dispute, created); a retry with the same Idempotency-Key returns the first dispute.

    Members name the signal by type and value; staff (actor, no member) and the peer API (a peer
    bank's member, `forwarded_for` naming the peer's member, the forwarding id as the key) pass
    the Signal. A
    staff-raised dispute is refused while the signal already has an open one (from a member or
    staff): that one is decided in the review queue. The dispute and its audit entry commit
    together.
    """
    if member is None and actor is None:
        raise DomainError(
            _("A dispute is raised by a member or a staff user."), code=DisputeErrorCode.NO_RAISER
        )
    note, description = clean_dispute_text(
        reason=reason, note=note, content_description=content_description
    )
    if signal is None:
        signal = published_signal(signal_type=signal_type, value=value)
    if member is None:
        _refuse_second_open_dispute(signal)
    payload = {"signal": signal.pk, "reason": reason, "note": note}
    if forwarded_for:
        payload["forwarded_for"] = forwarded_for
    if description:  # absent from the fingerprint when empty: earlier keys keep theirs
        payload["content_description"] = description

    def create(fingerprint: str) -> Dispute:
        return Dispute.objects.create(
            member=member,
            raised_by=actor,
            signal=signal,
            reason=reason,
            note=note,
            forwarded_for=forwarded_for,
            content_description=description,
            idempotency_key=idempotency.clean_key(idempotency_key),
            request_fingerprint=fingerprint,
        )

    dispute, created = idempotency.once(
        Dispute, member=member, key=idempotency_key, payload=payload, create=create
    )
    if created:
        _audit(actor, "dispute.raised", dispute, after={"reason": reason, "signal": signal.pk})
    return dispute, created


def _refuse_second_open_dispute(signal) -> None:
    """Staff raise at most one open dispute per signal; the signal row is locked so that two
    people pressing the button at once do not both get one."""
    Signal.objects.select_for_update().filter(pk=signal.pk).first()
    open_dispute = (
        Dispute.objects.filter(signal=signal, status=Dispute.Status.OPEN).order_by("pk").first()
    )
    if open_dispute is not None:
        raise Conflict(
            _("This hash is already under dispute %(id)s; decide that one in the review queue.")
            % {"id": open_dispute.pk},
            code=DisputeErrorCode.DISPUTE_OPEN,
        )


def _lock_open(dispute: Dispute) -> Dispute:
    dispute = (
        Dispute.objects.select_for_update(of=("self",))
        .select_related("signal", "member")
        .get(pk=dispute.pk)
    )
    if not dispute.is_open:
        raise Conflict(
            _("This dispute was already %(status)s.") % {"status": dispute.get_status_display()},
            code=DisputeErrorCode.DISPUTE_DECIDED,
        )
    return dispute


def _refuse_own(dispute: Dispute, reviewer) -> None:
    if dispute.raised_by_id is not None and dispute.raised_by_id == getattr(reviewer, "pk", None):
        raise PermissionDenied(
            _("You raised this dispute, so another reviewer decides it."),
            code=DisputeErrorCode.OWN_DISPUTE,
        )


@transaction.atomic
def uphold(*, dispute: Dispute, reviewer, reason_code: str, reason: str) -> Dispute:
    """The signal is wrong. With four eyes (`reviewers_needed()` > 1) each reviewer's uphold is
    an approval, audited; the last one needed decides the dispute and the signal leaves the feed
    (a `remove` entry in the next checkpoint). Never by whoever raised it, and once per reviewer.
    Returns the dispute: still open while approvals are missing."""
    if reason_code not in Dispute.UpholdCode.values:
        raise DomainError(
            _("reason_code must be one of %(codes)s.")
            % {"codes": ", ".join(Dispute.UpholdCode.values)},
            code=DisputeErrorCode.INVALID_REASON_CODE,
        )
    dispute = _lock_open(dispute)
    _refuse_own(dispute, reviewer)
    earlier = list(dispute.approvals.select_related("reviewer"))
    if any(approval.reviewer_id == reviewer.pk for approval in earlier):
        raise Conflict(
            _("You already approved upholding this dispute; a different reviewer decides it."),
            code=DisputeErrorCode.ALREADY_APPROVED,
        )
    DisputeApproval.objects.create(
        dispute=dispute, reviewer=reviewer, reason_code=reason_code, reason=reason
    )
    needed = reviewers_needed()
    approvals = len(earlier) + 1
    if approvals < needed:
        _audit(
            reviewer,
            "dispute.uphold_approved",
            dispute,
            after={"approvals": approvals, "needed": needed, "reason_code": reason_code},
        )
        return dispute
    dispute.status = Dispute.Status.UPHELD
    dispute.reviewer = reviewer
    dispute.decision_code = reason_code
    dispute.decision_reason = reason
    dispute.decided_at = timezone.now()
    dispute.save()
    cases.remove_signal_after_review(signal=dispute.signal, reason="dispute_upheld")
    _audit(
        reviewer,
        "dispute.upheld",
        dispute,
        before={"status": "open"},
        after={
            "status": "upheld",
            "reason_code": reason_code,
            "reviewers": [a.reviewer.get_username() for a in earlier] + [reviewer.get_username()],
            "needed": needed,
        },
    )
    return dispute


@transaction.atomic
def reject(*, dispute: Dispute, reviewer, reason: str) -> Dispute:
    """The signal stays in the feed; the member sees why. One reviewer (nothing is removed),
    never whoever raised it."""
    dispute = _lock_open(dispute)
    _refuse_own(dispute, reviewer)
    dispute.status = Dispute.Status.REJECTED
    dispute.reviewer = reviewer
    dispute.decision_code = "rejected"
    dispute.decision_reason = reason
    dispute.decided_at = timezone.now()
    dispute.save()
    _audit(
        reviewer,
        "dispute.rejected",
        dispute,
        before={"status": "open"},
        after={"status": "rejected"},
    )
    return dispute

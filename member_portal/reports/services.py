"""Match reports: a member tells the bank a signal matched content and what it did. A report a
person confirmed (`human_confirmed`) corroborates the signal: it becomes `confirmed` (its review
tier, docs/member-guide.md) with the basis `member_report`."""

from __future__ import annotations

from datetime import datetime

from hashbank.core import idempotency
from hashbank.core.errors import DomainError
from hashbank.signals import services as signals
from hashbank.signals.selectors import published_signal
from member_portal.reports.errors import ReportErrorCode
from member_portal.reports.models import MatchReport


def submit_report(
    *,
    member,
    signal_type: str = "",
    value: str = "",
    signal=None,
    action: str,
    matched_at: datetime | None = None,
    distance: int | None = None,
    idempotency_key: str | None = None,
    source: str = "api",
    feedback_value: str = "",
    forwarded_for: str = "",
    human_confirmed: bool = False,
) -> tuple[MatchReport, bool]:
    """(report, created); a retry with the same Idempotency-Key returns the first report.

    Members name the signal by type and value; the peer API passes the Signal it resolved from
    (origin, seq), with `forwarded_for` naming the peer's member."""
    if action not in MatchReport.Action.values:
        raise DomainError(
            f"action must be one of {', '.join(MatchReport.Action.values)}.",
            code=ReportErrorCode.INVALID_ACTION,
        )
    if distance is not None and not 0 <= distance <= 256:
        raise DomainError(
            "distance must be between 0 and 256.", code=ReportErrorCode.INVALID_DISTANCE
        )
    if signal is None:
        signal = published_signal(signal_type=signal_type, value=value)
    payload = {
        "signal": signal.pk,
        "action": action,
        "matched_at": matched_at.isoformat() if matched_at else None,
        "distance": distance,
        "source": source,
        "feedback_value": feedback_value,
        "human_confirmed": human_confirmed,
    }
    if forwarded_for:
        payload["forwarded_for"] = forwarded_for

    def create(fingerprint: str) -> MatchReport:
        if human_confirmed:  # None (nothing to confirm) once no case holds the signal
            signals.corroborate(signal=signal, basis="member_report", by=f"member {member.slug}")
        return MatchReport.objects.create(
            member=member,
            signal=signal,
            action=action,
            matched_at=matched_at,
            distance=distance,
            source=source,
            feedback_value=feedback_value,
            forwarded_for=forwarded_for,
            human_confirmed=human_confirmed,
            idempotency_key=idempotency.clean_key(idempotency_key),
            request_fingerprint=fingerprint,
        )

    return idempotency.once(
        MatchReport, member=member, key=idempotency_key, payload=payload, create=create
    )

"""SubmitFeedback: StopNCII feedback values become hashbank match reports."""

from __future__ import annotations

from hashbank.core.errors import NotFound
from member_portal.reports import services as reports

# What a platform did, in StopNCII's words, as a match report action.
ACTIONS = {
    "Blocked": "blocked_upload",
    "NotBlocked": "no_action",
    "PendingReview": "no_action",
}
SIGNAL_TYPE_BY_LENGTH = {64: "pdq", 32: "md5"}


def submit_feedback(*, member, feedbacks: list[dict]) -> tuple[int, int]:
    """(accepted, unknown). Feedback values that report no match outcome are accepted and ignored."""
    accepted = unknown = 0
    for item in feedbacks:
        value = item["hashValue"].strip().lower()
        action = ACTIONS.get(item["feedbackValue"])
        signal_type = SIGNAL_TYPE_BY_LENGTH.get(len(value))
        if signal_type is None:
            unknown += 1
            continue
        if action is None:
            accepted += 1
            continue
        try:
            reports.submit_report(
                member=member,
                signal_type=signal_type,
                value=value,
                action=action,
                source="stopncii",
                feedback_value=item["feedbackValue"],
            )
        except NotFound:
            unknown += 1
        else:
            accepted += 1
    return accepted, unknown

"""Disputes' codes. Members raise and read disputes through the API; staff raise and decide them
in the console."""

from __future__ import annotations

from hashbank.core.errors import INTERNAL, MEMBER_API, ErrorCode


class DisputeErrorCode(ErrorCode):
    INVALID_REASON = "invalid_reason", MEMBER_API
    NOTE_TOO_LONG = "note_too_long", MEMBER_API
    DESCRIPTION_TOO_LONG = "description_too_long", MEMBER_API
    UNKNOWN_DISPUTE = "unknown_dispute", MEMBER_API
    NO_RAISER = "no_raiser", INTERNAL
    # Only a staff-raised dispute is refused while another is open.
    DISPUTE_OPEN = "dispute_open", INTERNAL
    DISPUTE_DECIDED = "dispute_decided", INTERNAL
    INVALID_REASON_CODE = "invalid_reason_code", INTERNAL
    # Four eyes: who raised a dispute never decides it; one reviewer approves an uphold once.
    OWN_DISPUTE = "own_dispute", INTERNAL
    ALREADY_APPROVED = "already_approved", INTERNAL

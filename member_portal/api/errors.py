"""The member pull API's codes (feed, proofs, snapshots); see docs/member-guide.md."""

from __future__ import annotations

from hashbank.core.errors import MEMBER_API, ErrorCode


class ApiErrorCode(ErrorCode):
    MISSING_PARAMETER = "missing_parameter", MEMBER_API
    INVALID_PARAMETER = "invalid_parameter", MEMBER_API
    INVALID_RANGE = "invalid_range", MEMBER_API
    UNKNOWN_CHECKPOINT = "unknown_checkpoint", MEMBER_API
    NO_CHECKPOINT = "no_checkpoint", MEMBER_API
    NO_SNAPSHOT = "no_snapshot", MEMBER_API
    UNKNOWN_SNAPSHOT = "unknown_snapshot", MEMBER_API
    RANGE_NOT_SATISFIABLE = "range_not_satisfiable", MEMBER_API
    UNKNOWN_ORIGIN = "unknown_origin", MEMBER_API

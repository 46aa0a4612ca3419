"""Match reports' codes; see docs/member-guide.md."""

from __future__ import annotations

from hashbank.core.errors import MEMBER_API, ErrorCode


class ReportErrorCode(ErrorCode):
    INVALID_ACTION = "invalid_action", MEMBER_API
    INVALID_DISTANCE = "invalid_distance", MEMBER_API
    INVALID_CURSOR = "invalid_cursor", MEMBER_API
    UNKNOWN_REPORT = "unknown_report", MEMBER_API

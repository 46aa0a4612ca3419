"""The signal types' validation codes (hashbank.signals.types), answered to the victim API."""

from __future__ import annotations

from hashbank.core.errors import INTERNAL, MEMBER_API, SUBMISSION_API, ErrorCode


class SignalErrorCode(ErrorCode):
    INVALID_SIGNAL = "invalid_signal", SUBMISSION_API, MEMBER_API
    UNKNOWN_SIGNAL = "unknown_signal", MEMBER_API
    INVALID_SIGNAL_TYPE = "invalid_signal_type", SUBMISSION_API
    INVALID_MD5 = "invalid_md5", SUBMISSION_API
    INVALID_PDQ = "invalid_pdq", SUBMISSION_API
    INVALID_PHASH = "invalid_phash", SUBMISSION_API
    INVALID_QUALITY = "invalid_quality", SUBMISSION_API
    DEGENERATE_PDQ = "degenerate_pdq", SUBMISSION_API
    SIGNAL_NOT_REMOVED = "signal_not_removed", INTERNAL
    # The staff search: a distance outside 0..64, or one given for a type matched exactly.
    INVALID_DISTANCE = "invalid_distance", INTERNAL


# A malformed value's code, by signal type: a new type in types.REGISTRY needs its code here.
INVALID_VALUE: dict[str, SignalErrorCode] = {
    "md5": SignalErrorCode.INVALID_MD5,
    "pdq": SignalErrorCode.INVALID_PDQ,
    "phash": SignalErrorCode.INVALID_PHASH,
}

"""The witness's codes. Its endpoints answer plain text with the status codes C2SP tlog-witness
fixes (the client acts on the status, not on a JSON body), and operators meet the others in
`manage.py witness`: none is answered under /api/, so all are INTERNAL."""

from __future__ import annotations

from hashbank.core.errors import INTERNAL, DomainError, ErrorCode


class WitnessErrorCode(ErrorCode):
    # POST /witness/add-checkpoint, with the status each one answers.
    MALFORMED_REQUEST = "witness_malformed_request", INTERNAL  # 400
    BODY_TOO_LARGE = "witness_body_too_large", INTERNAL  # 413
    UNKNOWN_LOG = "witness_unknown_log", INTERNAL  # 404
    NOT_SIGNED_BY_LOG = "witness_not_signed_by_log", INTERNAL  # 403
    OLD_SIZE_MISMATCH = "witness_old_size_mismatch", INTERNAL  # 409, text/x.tlog.size
    INCONSISTENT = "witness_inconsistent", INTERNAL  # 422: bad proof, or a fork at one size
    # manage.py witness.
    NO_WITNESS_KEY = "witness_no_key", INTERNAL
    INVALID_LOG_KEY = "witness_invalid_log_key", INTERNAL
    UNKNOWN_KEY = "witness_unknown_key", INTERNAL
    LOG_COSIGNED = "witness_log_cosigned", INTERNAL


class WitnessError(DomainError):
    """A refused add-checkpoint or witness command; `size` is the witness's size on a 409."""

    def __init__(self, message: str, *, code: WitnessErrorCode, status: int, size: int = 0) -> None:
        super().__init__(message, code=code, status=status)
        self.size = size

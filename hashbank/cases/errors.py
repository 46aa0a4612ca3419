"""The cases app's domain errors: each a stable code the form and the staff console act on."""

from __future__ import annotations

from hashbank.core.errors import (
    INTERNAL,
    SUBMISSION_API,
    Conflict,
    DomainError,
    ErrorCode,
    PermissionDenied,
    RateLimited,
)


class CaseErrorCode(ErrorCode):
    INVALID_SUBMISSION = "invalid_submission", SUBMISSION_API
    NO_HASHES = "no_hashes", SUBMISSION_API
    TOO_MANY_HASHES = "too_many_hashes", SUBMISSION_API
    INVALID_HASH = "invalid_hash", SUBMISSION_API
    INVALID_FILE = "invalid_file", SUBMISSION_API
    LOW_QUALITY_PDQ = "low_quality_pdq", SUBMISSION_API
    PHASH_ONLY = "phash_only", SUBMISSION_API
    ATTESTATION_REQUIRED = "attestation_required", SUBMISSION_API
    TRY_AGAIN = "try_again", SUBMISSION_API
    WRONG_CASE_OR_PIN = "wrong_case_or_pin", SUBMISSION_API
    CASE_LOCKED = "case_locked", SUBMISSION_API
    PIN_RETRY_LATER = "pin_retry_later", SUBMISSION_API
    UNKNOWN_HASH = "unknown_hash", SUBMISSION_API
    # The helpline's one-time code for an assisted submission: used, expired or never issued.
    ASSISTED_CODE_INVALID = "assisted_code_invalid", SUBMISSION_API
    # Suspending and restoring are staff actions.
    INVALID_TRANSITION = "invalid_transition", INTERNAL
    INVALID_NOTE = "invalid_note", INTERNAL
    INVALID_ASSIGNEE = "invalid_assignee", INTERNAL


class InvalidSubmission(DomainError):
    code = CaseErrorCode.INVALID_SUBMISSION
    status = 400


class WrongCredentials(PermissionDenied):
    # One code for "no such case" and "wrong PIN", so that case numbers cannot be probed.
    code = CaseErrorCode.WRONG_CASE_OR_PIN


class CaseLocked(PermissionDenied):
    code = CaseErrorCode.CASE_LOCKED


class PinRetryLater(RateLimited):
    code = CaseErrorCode.PIN_RETRY_LATER


class InvalidTransition(Conflict):
    code = CaseErrorCode.INVALID_TRANSITION

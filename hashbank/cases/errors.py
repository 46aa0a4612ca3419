"""The cases app's domain errors: each a stable code the form and the staff console act on."""

from __future__ import annotations

from hashbank.core.errors import Conflict, DomainError, PermissionDenied, RateLimited


class InvalidSubmission(DomainError):
    code = "invalid_submission"
    status = 400


class WrongCredentials(PermissionDenied):
    # One code for "no such case" and "wrong PIN", so that case numbers cannot be probed.
    code = "wrong_case_or_pin"


class CaseLocked(PermissionDenied):
    code = "case_locked"


class PinRetryLater(RateLimited):
    code = "pin_retry_later"


class InvalidTransition(Conflict):
    code = "invalid_transition"

"""The staff console's codes, shown on its pages and its JSON endpoints under /staff/."""

from __future__ import annotations

from hashbank.core.errors import INTERNAL, ErrorCode


class StaffErrorCode(ErrorCode):
    INVALID_ROLE = "invalid_role", INTERNAL
    USERNAME_TAKEN = "username_taken", INTERNAL
    INVALID_USERNAME = "invalid_username", INTERNAL
    OWN_ACCOUNT = "own_account", INTERNAL
    UNKNOWN_CASE = "unknown_case", INTERNAL
    UNKNOWN_HASH = "unknown_hash", INTERNAL
    INVALID_TRANSITION = "invalid_transition", INTERNAL
    INVALID_EXPIRY = "invalid_expiry", INTERNAL
    ALREADY_REVOKED = "already_revoked", INTERNAL
    ALREADY_SUSPENDED = "already_suspended", INTERNAL
    ALREADY_ACTIVE = "already_active", INTERNAL

"""The errors a member's request can meet, each with a stable code (see docs/member-guide.md)."""

from __future__ import annotations

from hashbank.core.errors import DomainError, PermissionDenied


class InvalidCredential(DomainError):
    code = "invalid_credential"
    status = 401


class CredentialRefused(PermissionDenied):
    """The token is genuine but may not be used now (revoked, expired, address, member)."""

    code = "credential_refused"


class InsufficientScope(PermissionDenied):
    code = "insufficient_scope"


class MemberSuspended(PermissionDenied):
    code = "member_suspended"

"""The errors a member's request can meet, each with a stable code (see docs/member-guide.md)."""

from __future__ import annotations

from hashbank.core.errors import (
    INTERNAL,
    MEMBER_API,
    DomainError,
    ErrorCode,
    PermissionDenied,
    RateLimited,
)


class MemberErrorCode(ErrorCode):
    INVALID_CREDENTIAL = "invalid_credential", MEMBER_API
    CREDENTIAL_REFUSED = "credential_refused", MEMBER_API
    CREDENTIAL_REVOKED = "credential_revoked", MEMBER_API
    CREDENTIAL_EXPIRED = "credential_expired", MEMBER_API
    IP_NOT_ALLOWED = "ip_not_allowed", MEMBER_API
    INSUFFICIENT_SCOPE = "insufficient_scope", MEMBER_API
    MEMBER_SUSPENDED = "member_suspended", MEMBER_API
    # Too many failed authentications from one client or naming one key id (services.authenticate).
    TOO_MANY_FAILED_ATTEMPTS = "too_many_failed_attempts", MEMBER_API
    # Managing members, credentials and portal users: staff console, portal, management commands.
    MEMBER_EXISTS = "member_exists", INTERNAL
    UNKNOWN_MEMBER = "unknown_member", INTERNAL
    INVALID_SCOPE = "invalid_scope", INTERNAL
    INVALID_IP = "invalid_ip", INTERNAL
    TOO_MANY_CREDENTIALS = "too_many_credentials", INTERNAL
    INVALID_EXPIRY = "invalid_expiry", INTERNAL
    USERNAME_TAKEN = "username_taken", INTERNAL
    INVALID_INVITATION = "invalid_invitation", INTERNAL
    WEAK_PASSWORD = "weak_password", INTERNAL
    ALREADY_JOINED = "already_joined", INTERNAL


class InvalidCredential(DomainError):
    code = MemberErrorCode.INVALID_CREDENTIAL
    status = 401


class CredentialRefused(PermissionDenied):
    """The token is genuine but may not be used now (revoked, expired, address, member)."""

    code = MemberErrorCode.CREDENTIAL_REFUSED


class InsufficientScope(PermissionDenied):
    code = MemberErrorCode.INSUFFICIENT_SCOPE


class MemberSuspended(PermissionDenied):
    code = MemberErrorCode.MEMBER_SUSPENDED


class TooManyFailedAttempts(RateLimited):
    """429 with Retry-After: the client, or the key id, failed to authenticate too often."""

    code = MemberErrorCode.TOO_MANY_FAILED_ATTEMPTS

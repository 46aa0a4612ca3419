"""Publishing's codes: operators meet them (`manage.py publishing`, /readyz, the dashboard), never
an API client, so all are INTERNAL."""

from __future__ import annotations

from hashbank.core.errors import INTERNAL, DomainError, ErrorCode


class PublishingErrorCode(ErrorCode):
    POLICY_UNREADABLE = "publishing_policy_unreadable", INTERNAL


class PublishingError(DomainError):
    code = PublishingErrorCode.POLICY_UNREADABLE
    status = 503

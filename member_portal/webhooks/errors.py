"""Webhook endpoints' codes, shown on the portal's webhooks page."""

from __future__ import annotations

from hashbank.core.errors import INTERNAL, ErrorCode


class WebhookErrorCode(ErrorCode):
    INVALID_WEBHOOK_URL = "invalid_webhook_url", INTERNAL
    TOO_MANY_WEBHOOKS = "too_many_webhooks", INTERNAL

from __future__ import annotations

from django.db.models import QuerySet

from member_portal.webhooks.models import WebhookDelivery, WebhookEndpoint


def endpoints_for_member(member) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(member=member, is_active=True).order_by("created_at")


def deliveries_for_member(member, limit: int = 100) -> QuerySet[WebhookDelivery]:
    return (
        WebhookDelivery.objects.filter(endpoint__member=member)
        .select_related("endpoint")
        .order_by("-created_at", "-pk")[:limit]
    )

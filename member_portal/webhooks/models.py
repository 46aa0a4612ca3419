"""Members' webhook endpoints and the log of every delivery attempt to them."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import pgettext_lazy


class WebhookEndpoint(models.Model):
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500)
    # The HMAC key must be readable to sign each delivery, so it is stored as is (it grants
    # nothing but the ability to forge notifications to this one member).
    secret = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        # The labels are the ones the migrations hold (TextChoices' defaults), now translatable.
        PENDING = "pending", pgettext_lazy("delivery status", "Pending")
        DELIVERED = "delivered", pgettext_lazy("delivery status", "Delivered")
        FAILED = "failed", pgettext_lazy("delivery status", "Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=32, default="checkpoint.new")
    # The origin whose checkpoint is announced: empty for this bank's own log, else the hex id
    # of a mirrored origin (its checkpoints are announced as ours are, docs/member-guide.md).
    origin_id = models.CharField(max_length=64, blank=True, default="")
    checkpoint_size = models.BigIntegerField()
    body = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event", "origin_id", "checkpoint_size"],
                name="one_delivery_per_origin_checkpoint",
            )
        ]
        indexes = [models.Index(fields=["endpoint", "-created_at"])]

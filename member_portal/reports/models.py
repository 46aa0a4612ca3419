"""A member's report that a signal matched content on its platform, and what it did."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MatchReport(models.Model):
    class Action(models.TextChoices):
        # The labels are the ones the migrations hold (TextChoices' defaults), now translatable.
        BLOCKED_UPLOAD = "blocked_upload", _("Blocked Upload")
        REMOVED = "removed", _("Removed")
        NO_ACTION = "no_action", _("No Action")

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="match_reports"
    )
    signal = models.ForeignKey(
        "signals.Signal", on_delete=models.PROTECT, related_name="match_reports"
    )
    action = models.CharField(max_length=32, choices=Action.choices)
    matched_at = models.DateTimeField(null=True, blank=True)
    distance = models.PositiveSmallIntegerField(null=True, blank=True)
    # Where the report came from: our API or the StopNCII facade (its raw feedback value kept).
    source = models.CharField(max_length=16, default="api")
    feedback_value = models.CharField(max_length=32, blank=True)
    # A peer bank's forwarded report (source "peer"): the peer's member who sent it, as the peer
    # names it; the forwarding id is the idempotency key.
    forwarded_for = models.CharField(max_length=200, blank=True)
    # A person at the member looked at the matched content and confirmed it is what the signal
    # stands for: corroborates the signal (hashbank.signals.services.corroborate).
    human_confirmed = models.BooleanField(default=False)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "idempotency_key"], name="report_idempotency_key_per_member"
            )
        ]
        indexes = [models.Index(fields=["member", "created_at"])]

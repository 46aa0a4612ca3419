"""A match report or dispute one of our members sent about a mirrored origin's signal, on its
way to (and back from) the origin bank's peer API."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Forward(models.Model):
    """One report or dispute, stored when the member sends it and delivered to the origin bank
    by `services.deliver` (retried with backoff until the origin answers). A dispute's outcome is
    then polled from the origin until its reviewers decide it.

    `forward_id` is the forwarding id the origin deduplicates by (its idempotency key for our peer
    member): a retry after a lost answer never makes a second dispute there.
    """

    class Kind(models.TextChoices):
        # The labels are the ones the migrations hold, now translatable.
        REPORT = "report", _("Report")
        DISPUTE = "dispute", _("Dispute")

    class State(models.TextChoices):
        PENDING = "pending", _("waiting to be delivered (or retried)")
        DELIVERED = "delivered", _("accepted by the origin bank")
        DECIDED = "decided", _("decided by the origin bank's reviewers")
        REFUSED = "refused", _("refused by the origin bank")

    forward_id = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="forwards")
    origin = models.CharField(max_length=200)
    origin_id = models.CharField(max_length=64)
    # The peer (hashbank.peers) that holds the origin, by name: the one we deliver to.
    peer_name = models.CharField(max_length=64)
    seq = models.BigIntegerField()
    # Read from the mirrored entry when the member sent it, so that the member sees what it named.
    signal_type = models.CharField(max_length=16)
    value = models.CharField(max_length=64, blank=True)
    # A report's fields.
    action = models.CharField(max_length=32, blank=True)
    matched_at = models.DateTimeField(null=True, blank=True)
    distance = models.PositiveSmallIntegerField(null=True, blank=True)
    # A person at the member confirmed the matched content is what the signal stands for.
    human_confirmed = models.BooleanField(default=False)
    # A dispute's fields.
    reason = models.CharField(max_length=32, blank=True)
    note = models.TextField(blank=True)
    # What the member says the matched content is, for the origin's reviewers (who cannot see it).
    content_description = models.TextField(blank=True)

    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    # When services.run_due next delivers (pending) or polls (a delivered dispute); NULL: never.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    # The origin's error code, or what went wrong on the way; never a value or a token.
    last_error = models.CharField(max_length=200, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    polled_at = models.DateTimeField(null=True, blank=True)
    # The origin's answer: its id for the report or dispute, a dispute's status and decision.
    remote_id = models.BigIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=16, blank=True)
    decision_code = models.CharField(max_length=32, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "idempotency_key"], name="forward_idempotency_key_per_member"
            )
        ]
        indexes = [
            # services.run_due: what is due, oldest first.
            models.Index(fields=["state", "next_attempt_at"]),
            # A member's forwards about one origin, newest first (the member API's lists).
            models.Index(fields=["member", "origin_id", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} forward {self.forward_id}"

    @property
    def is_open(self) -> bool:
        """A dispute not decided yet (as far as we know)."""
        return self.kind == self.Kind.DISPUTE and self.state != self.State.DECIDED

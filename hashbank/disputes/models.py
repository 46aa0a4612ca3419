"""A member's dispute of a signal in the feed, and the staff decision on it."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def review_target() -> timedelta:
    """Staff aim to decide every dispute within this time (HASHBANK_DISPUTE_TARGET_HOURS)."""
    return timedelta(hours=int(getattr(settings, "HASHBANK_DISPUTE_TARGET_HOURS", 72)))


class Dispute(models.Model):
    class Reason(models.TextChoices):
        # The labels are the ones the migrations hold (TextChoices' defaults), now translatable.
        NOT_INTIMATE_IMAGERY = "not_intimate_imagery", _("Not Intimate Imagery")
        NOT_THE_PERSON = "not_the_person", _("Not The Person")
        FALSE_POSITIVE = "false_positive", _("False Positive")
        OTHER = "other", _("Other")

    class UpholdCode(models.TextChoices):
        """Why a reviewer upheld a dispute (`decision_code` of an upheld dispute)."""

        NOT_INTIMATE_IMAGERY = "not_intimate_imagery"
        NOT_THE_PERSON = "not_the_person"
        FALSE_POSITIVE = "false_positive"
        OTHER = "other"

    NOTE_MAX_LENGTH = 2000
    DESCRIPTION_MAX_LENGTH = 2000

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("dispute status", "Open")
        UPHELD = "upheld", pgettext_lazy("dispute status", "Upheld")
        REJECTED = "rejected", pgettext_lazy("dispute status", "Rejected")

    # A member raises most disputes; staff may raise one too (member empty, raised_by set).
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="disputes", null=True, blank=True
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signal = models.ForeignKey("signals.Signal", on_delete=models.PROTECT, related_name="disputes")
    reason = models.CharField(max_length=32, choices=Reason.choices)
    note = models.TextField(blank=True, max_length=NOTE_MAX_LENGTH)
    # What the member saw (e.g. "a beach photo, clothed adults"), in words and never the content
    # itself: the reviewer cannot see the image, so this is what an informed decision rests on.
    content_description = models.TextField(blank=True, max_length=DESCRIPTION_MAX_LENGTH)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    # A peer bank's forwarded dispute (member of kind "peer"): its forwarding id is the
    # idempotency key, and this names the peer's own member who raised it, as the peer names it.
    forwarded_for = models.CharField(max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_code = models.CharField(max_length=32, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "idempotency_key"], name="dispute_idempotency_key_per_member"
            )
        ]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            # The console's "decided disputes" list, newest decision first, paged by keyset.
            models.Index(
                fields=["decided_at", "id"],
                name="dispute_decided_by_date",
                condition=models.Q(decided_at__isnull=False),
            ),
        ]

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def due_at(self):
        """When the review target says this dispute is decided at the latest."""
        return self.created_at + review_target()

    @property
    def overdue(self) -> bool:
        return self.is_open and timezone.now() > self.due_at


def reviewers_needed() -> int:
    """How many different reviewers uphold a dispute before it removes anything
    (HASHBANK_DISPUTE_REVIEWERS: 2, four eyes; 1 for a small helpline)."""
    return max(1, int(getattr(settings, "HASHBANK_DISPUTE_REVIEWERS", 2)))


class DisputeApproval(models.Model):
    """One reviewer's "uphold" on an open dispute; the last of `reviewers_needed()` decides it."""

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="approvals")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason_code = models.CharField(max_length=32)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispute", "reviewer"], name="one_approval_per_reviewer"
            )
        ]

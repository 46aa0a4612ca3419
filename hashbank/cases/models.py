"""A case is one person's submission: the hashes they hold in the bank, and how they reach them.

The person proves they own a case with its public number and a PIN shown once; the PIN is kept only
as a slow salted hash. Each hash is a CaseSignal: the case's hold on a shared Signal row (two people
may submit the same image), so the feed keeps a signal while any case still holds it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Case(models.Model):
    number = models.CharField(max_length=16)
    pin_hash = models.CharField(max_length=200)
    staff_assisted = models.BooleanField(default=False)
    # What the person attested when submitting (adult, depicted, consent), with the form's language.
    attestations = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    # Wrong PINs: counted, slowed down, then the case locks until a caseworker unlocks it.
    failed_pin_attempts = models.PositiveSmallIntegerField(default=0)
    next_pin_attempt_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    # The caseworker working the case ("my cases"); a removed account leaves it unassigned. Not
    # indexed alone: the partial index below serves "my cases" in the list's order.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The staff dashboard counts submissions per day over the last two weeks, and the
            # case list pages through cases newest first by (created_at, id) with no OFFSET.
            models.Index(fields=["created_at"], name="case_created_at"),
            # The list's filters on a few cases among millions, each in the list's order; partial,
            # so the person's submission (never locked, never assigned) writes none of them.
            models.Index(
                fields=["created_at", "id"],
                name="case_locked_by_date",
                condition=models.Q(locked_at__isnull=False),
            ),
            models.Index(
                fields=["created_at", "id"],
                name="case_assisted_by_date",
                condition=models.Q(staff_assisted=True),
            ),
            models.Index(
                fields=["assignee", "created_at", "id"],
                name="case_assignee_by_date",
                condition=models.Q(assignee__isnull=False),
            ),
        ]
        # A constraint rather than unique=True, which on PostgreSQL adds a second (LIKE) index
        # that nothing uses.
        constraints = [models.UniqueConstraint(fields=["number"], name="one_case_per_number")]

    def __str__(self) -> str:
        return self.number

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class CaseSignal(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")  # under review: the hold is released meanwhile
        WITHDRAWN = "withdrawn", _("withdrawn")  # by the person; final
        REMOVED = "removed", _("removed")  # after review (a dispute upheld, staff removal); final
        # Near a benign hash (hashbank.benign): never held in the feed until a caseworker
        # publishes it (it becomes active) or rejects it (removed).
        HELD = "held", _("held for review")

    # No single-column indexes: (case, signal) and (signal, status) below serve both lookups, and
    # each index is one more write per hash on the submission path.
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="case_signals", db_index=False
    )
    signal = models.ForeignKey(
        "signals.Signal", on_delete=models.PROTECT, related_name="case_signals", db_index=False
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)
    # The person asked to withdraw it: it stays in the feed until then (the cooling-off period,
    # HASHBANK_WITHDRAWAL_COOLING_OFF), and they can cancel; None when nothing is scheduled.
    withdrawal_due_at = models.DateTimeField(null=True, blank=True)
    # The photo or video this hash was made from, as an opaque id unique within the case (the MD5,
    # PDQ and rotated PDQs of one file share it; never derived from the file's name). Empty for
    # holds made before files were grouped: each is then an item of its own.
    item = models.CharField(max_length=8, blank=True, default="")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "signal"], name="case_signal_once_per_case")
        ]
        indexes = [
            models.Index(fields=["signal", "status"], name="case_signal_by_signal"),
            # The case list's "suspended" filter: the few holds under review, by case.
            models.Index(
                fields=["case"],
                name="case_signal_suspended",
                condition=models.Q(status="suspended"),
            ),
            # Beat's sweep for withdrawals whose cooling-off has ended: the few scheduled ones,
            # by due time; partial, so a submission writes nothing to it.
            models.Index(
                fields=["withdrawal_due_at"],
                name="case_signal_withdrawal_due",
                condition=models.Q(withdrawal_due_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.signal_id}:{self.status}"

    @property
    def holds(self) -> bool:
        """Whether this row currently holds its signal in the feed."""
        return self.status == self.Status.ACTIVE


class CaseNote(models.Model):
    """A caseworker's note on a case (never shown to the person)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    text = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]


class UnknownCaseNumber(models.Model):
    """Wrong PINs sent for a well-formed case number that has no case, counted exactly as a
    case counts them (cases/unknown_numbers.py), so that the delay, the lock and the time a
    wrong PIN takes are the same whether the case exists or not. Keyed by an HMAC of the number
    under SECRET_KEY, never the number; rows untouched for 30 days are deleted as new ones come."""

    key = models.CharField(max_length=64)
    failed_pin_attempts = models.PositiveSmallIntegerField(default=0)
    next_pin_attempt_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    last_failed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key"], name="one_row_per_unknown_number")]
        # The clean-up deletes by age.
        indexes = [models.Index(fields=["last_failed_at"], name="unknown_number_last_failed")]


class PossessionCheck(models.Model):
    """A caseworker's check that the caller holds one of the case's images, before an unlock.

    The caseworker starts it and reads a one-time code to the caller, who opens the check page
    in their own browser, types the code and picks one of the images: only its MD5, computed in
    the browser, is sent. The console says whether it matched this case; the caller is told
    nothing either way. The code is kept only as an HMAC; a check lasts 30 minutes."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="possession_checks")
    code_hash = models.CharField(max_length=64)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    matched = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code_hash"], name="one_check_per_code")]


class AssistedCode(models.Model):
    """A one-time code a caseworker gives a person on the phone: entered on the public page of
    the person's own device, it links the case they submit there to the caseworker (assignee,
    staff-assisted). Kept only as a keyed hash; it expires, and is used once."""

    code_hash = models.CharField(max_length=64)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code_hash"], name="one_assisted_code_per_hash")
        ]

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and timezone.now() < self.expires_at

from __future__ import annotations

from django.db import models


class Signal(models.Model):
    """One hash value of one type, published once however many cases hold it.

    It is active in the feed while at least one case holds it (`active_holds` > 0). The value can
    be purged once withdrawn; the ledger keeps only `digest`, a salted digest of it.
    """

    class State(models.TextChoices):
        PENDING = "pending", "waiting for the next seal"
        ACTIVE = "active", "active in the feed"
        REMOVED = "removed", "removed from the feed"

    signal_type = models.CharField(max_length=16)
    value = models.CharField(max_length=64, null=True)
    quality = models.PositiveSmallIntegerField(null=True)
    salt = models.BinaryField(max_length=16)
    digest = models.BinaryField(max_length=32, unique=True)
    active_holds = models.IntegerField(default=0)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    removal_reason = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True)
    removed_at = models.DateTimeField(null=True)
    purged_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["signal_type", "value"], name="one_signal_per_value"),
            models.CheckConstraint(condition=models.Q(active_holds__gte=0), name="holds_not_negative"),
        ]
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        return f"{self.signal_type} signal #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE

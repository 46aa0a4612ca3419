"""The audit log: one row per staff action or security event, chained by SHA-256.

Each entry's hash covers its own fields and the previous entry's hash, and a single head row
remembers the last sequence number and hash. Changing any field of any entry, deleting an entry in
the middle or cutting entries off the end therefore shows up in `services.verify_chain()`.
The model refuses updates and deletes; the chain catches what goes around it (raw SQL, a DBA).
"""

from __future__ import annotations

import json

from django.db import models


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit entry."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ANN003
        raise AppendOnlyError("Audit entries are append-only.")

    def delete(self):
        raise AppendOnlyError("Audit entries are append-only.")


class AuditEntry(models.Model):
    seq = models.PositiveBigIntegerField(unique=True)
    created_at = models.DateTimeField(db_index=True)
    # Who acted: kept as plain values (no foreign key) so that removing a user cannot rewrite
    # history. actor_id is None for the system and for anonymous callers (a failed sign-in).
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_name = models.CharField(max_length=150, blank=True, db_index=True)
    action = models.CharField(max_length=64, db_index=True)
    target = models.CharField(max_length=200, blank=True, db_index=True)
    member = models.CharField(max_length=100, blank=True, db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        default_permissions = ("view",)
        permissions = [("export_auditentry", "Can export the audit log as CSV")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target}"

    @property
    def before_text(self) -> str:
        return "" if self.before is None else json.dumps(self.before, sort_keys=True)

    @property
    def after_text(self) -> str:
        return "" if self.after is None else json.dumps(self.after, sort_keys=True)

    def save(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        if not self._state.adding:
            raise AppendOnlyError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # noqa: ANN002, ANN003
        raise AppendOnlyError("Audit entries are append-only.")


class AuditHead(models.Model):
    """A single row: the last entry's seq and hash. Locking it serialises writers, and comparing
    it with the table shows entries removed from the end."""

    last_seq = models.BigIntegerField(default=-1)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        default_permissions = ()

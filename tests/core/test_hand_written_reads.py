"""The hot paths' hand-written reads (hashbank.core.db.fetch and Columns) load what the ORM
would: the same field values, converted the same way (JSON, dates), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from django.forms.models import model_to_dict
from django.utils import timezone

from hashbank.core import ratelimit
from hashbank.receipts import storage as receipt_storage
from hashbank.receipts.models import AppliedPosition
from member_portal.members import storage
from member_portal.members.models import Credential, SyncPosition


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_the_credential_read_by_hand_is_the_orms(member, token):
    credential = Credential.objects.select_related("member").get(member=member)
    credential.allowed_ips = ["192.0.2.0/24"]
    credential.expires_at = timezone.now() + timedelta(days=1)
    credential.save()
    credential.refresh_from_db()

    read = storage.credential_by_key_id(credential.key_id)

    assert _fields(read) == _fields(credential)
    assert _fields(read.member) == _fields(credential.member)
    assert read.scopes == credential.scopes and isinstance(read.scopes, list)
    assert read.expires_at.tzinfo is not None
    assert storage.credential_by_key_id("no-such-key") is None


def test_the_positions_read_by_hand_are_the_orms(member):
    SyncPosition.objects.update_or_create(
        member=member, defaults={"last_pulled_size": 7, "last_pulled_at": timezone.now()}
    )
    AppliedPosition.objects.create(member=member, size=5, at=timezone.now(), last_receipt_time=9)

    assert model_to_dict(storage.pull_position(member.pk)) == model_to_dict(
        SyncPosition.objects.get(member=member)
    )
    assert _fields(receipt_storage.position(member.pk)) == _fields(
        AppliedPosition.objects.get(member=member)
    )


def test_failure_counters_read_together_answer_as_one_by_one():
    limits = [
        {"scope": "test-each", "subject": subject, "limit": limit, "window": 600}
        for subject, limit in (("a", 2), ("b", 1), ("c", 5))
    ]
    for subject in ("a", "a", "b"):
        ratelimit.record(scope="test-each", subject=subject, window=600)

    together = ratelimit.retry_after_each(limits)

    assert together == [ratelimit.retry_after_if_reached(**limit) for limit in limits]
    assert together[0] is not None and together[1] is not None and together[2] is None
    assert ratelimit.retry_after_each([]) == []

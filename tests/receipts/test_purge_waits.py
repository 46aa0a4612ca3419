"""A withdrawn value is purged only once every active platform applied its removal, or once the
maximum retention passed; meanwhile the StopNCII facade keeps serving it as Deleted, once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from hashbank.cases import services as cases
from hashbank.ledger import services as ledger
from hashbank.signals.models import Signal
from member_portal.members import services as members
from member_portal.stopncii import selectors as facade
from tests.fixtures.values import MD5_VALUE


@pytest.fixture
def withdrawn(publish, member, other_member):
    """An MD5 value published, applied by both members, then withdrawn: (signal, removal size)."""
    case, checkpoint = publish([("md5", MD5_VALUE)])
    for m in (member, other_member):
        members.acknowledge_checkpoint(member=m, size=checkpoint.size)
    cases.withdraw(case=case)
    removal = publish.seal()
    return Signal.objects.get(value=MD5_VALUE), removal


def _purge() -> None:
    call_command("ledger", "purge", "--removed-days", "0")


def _purged(signal) -> bool:
    signal.refresh_from_db()
    return signal.purged_at is not None


def test_a_purge_before_every_platform_applied_the_removal_holds_the_value(
    withdrawn, member, other_member
):
    signal, removal = withdrawn
    members.acknowledge_checkpoint(member=member, size=removal.size)

    _purge()
    assert not _purged(signal)

    members.acknowledge_checkpoint(member=other_member, size=removal.size)
    _purge()
    assert _purged(signal)


def test_the_maximum_retention_purges_without_the_acknowledgement(withdrawn, settings):
    signal, _ = withdrawn
    settings.HASHBANK_PURGE_MAX_RETENTION_DAYS = 30
    Signal.objects.filter(pk=signal.pk).update(removed_at=timezone.now() - timedelta(days=31))
    _purge()
    assert _purged(signal)


def test_a_suspended_member_does_not_hold_a_purge(withdrawn, member, other_member):
    signal, removal = withdrawn
    members.acknowledge_checkpoint(member=member, size=removal.size)
    members.suspend_member(member=other_member)
    _purge()
    assert _purged(signal)


def test_the_facade_serves_a_held_value_as_withdrawn_exactly_once_per_page(withdrawn):
    signal, _ = withdrawn
    _purge()
    page = facade.fetch_page(start_timestamp=0, page_size=1000, page_token=None)
    records = [r for r in page["hashRecords"] if r["hashValue"] == MD5_VALUE]
    assert [r["hashStatus"] for r in records] == ["Deleted"]


def test_the_daily_task_holds_back_too(withdrawn, settings):
    from hashbank.ledger import tasks

    signal, _ = withdrawn
    settings.HASHBANK_PURGE_REMOVED_DAYS = 0
    assert tasks.purge_removed() == 0
    assert not _purged(signal)


def test_without_members_a_purge_is_as_before(publish, db):
    case, _ = publish([("md5", MD5_VALUE)])
    cases.withdraw(case=case)
    publish.seal()
    assert ledger.purge_removed(removed_before=timezone.now() + timedelta(seconds=1)) == 1

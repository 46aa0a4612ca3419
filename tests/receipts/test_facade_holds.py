"""Who holds back a value a mirror blanked for a mirrored origin's StopNCII facade
(hashbank.mirrors' facade holds, answered by receipts.selectors.held_for_facade): a platform that
reads that facade, until it applied past the removal, never longer than the maximum retention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from hashbank.receipts import selectors
from member_portal.members import services as members

ORIGIN_ID = "ab" * 32  # any mirrored origin's id
OTHER_ORIGIN_ID = "cd" * 32


@dataclass
class Hold:  # the fields of mirrors.models.FacadeHold the answer reads
    pk: int
    removed_seq: int
    held_at: datetime


def _hold(removed_seq: int = 10, age: timedelta = timedelta()) -> Hold:
    return Hold(1, removed_seq, timezone.now() - age)


def test_a_platform_reading_the_facade_holds_a_value_until_it_applied_past_the_removal(member):
    members.acknowledge_origin(member=member, origin_id=ORIGIN_ID, size=0)  # its first fetch
    hold = _hold(removed_seq=10)
    assert selectors.held_for_facade(ORIGIN_ID, [hold], timezone.now()) == {1}

    members.acknowledge_origin(member=member, origin_id=ORIGIN_ID, size=10)  # entry 10 not yet
    assert selectors.held_for_facade(ORIGIN_ID, [hold], timezone.now()) == {1}

    members.acknowledge_origin(member=member, origin_id=ORIGIN_ID, size=11)
    assert selectors.held_for_facade(ORIGIN_ID, [hold], timezone.now()) == set()


def test_a_position_never_moves_back(member):
    members.acknowledge_origin(member=member, origin_id=ORIGIN_ID, size=11)
    members.acknowledge_origin(member=member, origin_id=ORIGIN_ID, size=3)
    assert selectors.origin_position(member, ORIGIN_ID).size == 11


def test_a_platform_that_never_read_that_origins_facade_holds_nothing_back(member, other_member):
    members.acknowledge_origin(member=other_member, origin_id=OTHER_ORIGIN_ID, size=0)
    assert selectors.held_for_facade(ORIGIN_ID, [_hold()], timezone.now()) == set()


def test_a_suspended_member_holds_nothing_back(member):
    members.acknowledge_origin(member=member, origin_id=ORIGIN_ID, size=0)
    member.status = "suspended"
    member.save(update_fields=["status"])
    assert selectors.held_for_facade(ORIGIN_ID, [_hold()], timezone.now()) == set()


def test_the_maximum_retention_releases_a_hold_nobody_acknowledged(member, settings):
    members.acknowledge_origin(member=member, origin_id=ORIGIN_ID, size=0)
    days = settings.HASHBANK_PURGE_MAX_RETENTION_DAYS
    young = _hold(age=timedelta(days=days) - timedelta(hours=1))
    old = _hold(age=timedelta(days=days, hours=1))
    assert selectors.held_for_facade(ORIGIN_ID, [young], timezone.now()) == {1}
    assert selectors.held_for_facade(ORIGIN_ID, [old], timezone.now()) == set()

"""A signal is in the feed while at least one case holds it: sealing turns holds into entries."""

from __future__ import annotations

import pytest

from hashbank.ledger import services as ledger
from hashbank.ledger.models import Entry
from hashbank.signals import services
from hashbank.signals.models import Signal
from member_portal.feed import leaf as leaves
from tests.fixtures.values import random_pdq

pytestmark = pytest.mark.django_db


def state_of(signal: Signal) -> str:
    return Signal.objects.get(pk=signal.pk).state


def test_a_held_signal_is_pending_until_the_seal_and_active_after_it(signing_key):
    signal = services.hold(signal_type="pdq", value=random_pdq(), quality=90)
    assert state_of(signal) == "pending"
    ledger.seal()
    assert state_of(signal) == "active"
    assert Signal.objects.get(pk=signal.pk).published_at is not None


def test_a_value_held_by_two_cases_stays_active_while_either_holds_it(signing_key):
    value = random_pdq()
    services.hold(signal_type="pdq", value=value, quality=90)
    signal = services.hold(signal_type="pdq", value=value, quality=90)
    ledger.seal()
    services.release(signal=signal, reason="withdrawn")
    ledger.seal()
    assert state_of(signal) == "active"
    assert Entry.objects.filter(signal=signal).count() == 1
    services.release(signal=signal, reason="withdrawn")
    ledger.seal()
    assert state_of(signal) == "removed"
    assert list(
        Entry.objects.filter(signal=signal).order_by("seq").values_list("kind", flat=True)
    ) == [1, 2]


def test_releasing_to_zero_publishes_a_neutral_remove_and_keeps_the_reason_in_the_bank(
    signing_key,
):
    signal = services.hold(signal_type="md5", value="d41d8cd98f00b204e9800998ecf8427e")
    ledger.seal()
    services.release(signal=signal, reason="staff_removed")
    ledger.seal()
    remove = leaves.decode(bytes(Entry.objects.get(signal=signal, kind=Entry.REMOVE).leaf))
    assert remove.reason == "removed" and remove.target == 0
    assert Signal.objects.get(pk=signal.pk).removal_reason == "staff_removed"


def test_a_removed_value_held_again_is_published_again_as_a_new_add(signing_key):
    value = random_pdq()
    signal = services.hold(signal_type="pdq", value=value, quality=90)
    ledger.seal()
    services.release(signal=signal, reason="withdrawn")
    ledger.seal()
    services.hold(signal_type="pdq", value=value, quality=90)
    ledger.seal()
    kinds = list(Entry.objects.filter(signal=signal).order_by("seq").values_list("kind", flat=True))
    assert kinds == [1, 2, 1] and state_of(signal) == "active"


def test_a_phash_signal_is_published_with_type_code_3(signing_key):
    signal = services.hold(signal_type="phash", value="C3E1F0F8FCFE7F3F")
    ledger.seal()
    leaf = leaves.decode(bytes(Entry.objects.get(signal=signal).leaf))
    assert leaf.signal_type == "phash" and leaf.type_code == 3
    assert signal.value == "c3e1f0f8fcfe7f3f"


def test_every_removal_reason_reads_the_same_in_the_feed(signing_key):
    """A withdrawal, an upheld dispute and a suspension are one `removed` to members (issue 17):
    a block of `withdrawn` removes would say one person withdrew these together."""
    values = [
        "d41d8cd98f00b204e9800998ecf8427e",
        "9e107d9d372bb6826bd81d3542a419d6",
        "e4d909c290d0fb1ca068ffaddf22cbd0",
    ]
    held = [services.hold(signal_type="md5", value=v) for v in values]
    ledger.seal()
    for signal, reason in zip(held, ["withdrawn", "dispute_upheld", "suspended"], strict=True):
        services.release(signal=signal, reason=reason)
    ledger.seal()
    removes = Entry.objects.filter(kind=Entry.REMOVE)
    assert {bytes(e.leaf)[3] for e in removes} == {leaves.REASON_CODES["removed"]}
    assert sorted(Signal.objects.values_list("removal_reason", flat=True)) == [
        "dispute_upheld",
        "suspended",
        "withdrawn",
    ]

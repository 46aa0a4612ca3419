"""A seal appends its entries in a random order (issue 17, item 6): one person's hashes are not
a contiguous run of entries; each signal's own changes keep their order."""

from __future__ import annotations

import pytest

from hashbank.ledger import audit, services
from hashbank.ledger.models import Entry
from hashbank.signals import services as signals
from hashbank.signals.models import Change, Signal
from hashbank.signals.types import RemovalReason
from tests.fixtures.ledger import hold_many

pytestmark = pytest.mark.django_db


def test_a_batch_is_not_sealed_in_queue_order(signing_key) -> None:
    held = hold_many(64)
    services.seal()
    sealed = list(
        Entry.objects.filter(kind=Entry.ADD).order_by("seq").values_list("signal_id", flat=True)
    )
    assert sorted(sealed) == sorted(s.pk for s in held)
    assert sealed != [s.pk for s in held]  # 1 in 64! to fail by chance


def test_each_signals_changes_keep_their_order_within_a_shuffled_batch(signing_key) -> None:
    held = hold_many(20)
    for signal in held[:10]:
        signals.release(signal=signal, reason=RemovalReason.WITHDRAWN)
        signals.hold(signal_type="pdq", value=signal.value, quality=80)
    assert Change.objects.count() == 40
    services.seal()
    for signal in held[:10]:
        kinds = list(Entry.objects.filter(signal=signal).order_by("seq").values_list("kind"))
        assert kinds == [(Entry.ADD,), (Entry.REMOVE,), (Entry.ADD,)]
    assert Signal.objects.filter(state="active").count() == 20
    assert audit.verify_ledger() == []


def test_shuffling_keeps_every_change_once() -> None:
    pending = [(i, "add", "", i % 7, "pdq", b"", b"", 90, "", 0) for i in range(100)]
    out = services.shuffled(pending)
    assert sorted(out) == pending
    for sid in range(7):
        assert [row for row in out if row[3] == sid] == [row for row in pending if row[3] == sid]

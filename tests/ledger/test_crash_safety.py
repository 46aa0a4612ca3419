"""A crash in the middle of a seal leaves the previous checkpoint and the queued changes intact."""

from __future__ import annotations

import pytest

from hashbank.ledger import selectors, services
from hashbank.ledger.models import Checkpoint, Entry, Node, TreeState
from hashbank.signals.models import Change, Signal
from tests.seeding import pending_signals

# Committed transactions, as in production: the seal's own transaction is what must roll back.
pytestmark = pytest.mark.django_db(transaction=True)


class PowerCut(RuntimeError):
    pass


def test_a_crash_before_the_checkpoint_is_written_rolls_the_whole_seal_back(
    publish_signals, monkeypatch
):
    publish_signals(3)
    before = selectors.latest_checkpoint()
    state_before = TreeState.objects.get(id=1)
    pending_signals(5)  # queued, and no seal is requested
    queued = sorted(Change.objects.values_list("id", flat=True))

    def crash(*args, **kwargs):
        raise PowerCut("the sealer died while writing the checkpoint")

    monkeypatch.setattr(Checkpoint.objects, "create", crash)
    with pytest.raises(PowerCut):
        services.seal()
    monkeypatch.undo()

    assert selectors.latest_checkpoint().note == before.note
    assert Checkpoint.objects.count() == Checkpoint.objects.filter(size__lte=before.size).count()
    assert Entry.objects.count() == before.size
    assert sorted(Change.objects.values_list("id", flat=True)) == queued
    state = TreeState.objects.get(id=1)
    assert (state.size, bytes(state.compact_range), bytes(state.lthash)) == (
        before.size,
        bytes(state_before.compact_range),
        bytes(state_before.lthash),
    )
    assert Signal.objects.filter(state="pending").count() == 5


def test_a_crash_while_signing_leaves_no_entries_behind(publish_signals, monkeypatch):
    publish_signals(2)
    before = selectors.latest_checkpoint().size
    pending_signals(300)  # enough for a stored tile root at level 8
    monkeypatch.setattr(
        services, "_sign_checkpoint", lambda *a, **k: (_ for _ in ()).throw(PowerCut())
    )
    with pytest.raises(PowerCut):
        services.seal()
    monkeypatch.undo()
    assert Entry.objects.count() == before and not Node.objects.exists()
    assert Change.objects.count() == 300


def test_the_seal_after_a_crash_produces_the_same_ledger_as_without_it(
    publish_signals, monkeypatch
):
    publish_signals(2)
    before = selectors.latest_checkpoint().size
    pending_signals(4)
    monkeypatch.setattr(
        Checkpoint.objects, "create", lambda **kw: (_ for _ in ()).throw(PowerCut())
    )
    with pytest.raises(PowerCut):
        services.seal()
    monkeypatch.undo()
    checkpoint = services.seal()
    assert checkpoint.size == before + 5  # 4 adds and the state entry
    assert list(Entry.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(before + 5)
    )
    from hashbank.ledger.audit import verify_ledger

    assert verify_ledger() == []

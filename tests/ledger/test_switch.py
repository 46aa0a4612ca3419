"""A ledger sealed by the code before state commitments switches at its next seal: the first
state entry commits to the whole active set, old checkpoints keep their `active` line and verify,
snapshots are v1 before the switch and v2 after, and a member follows the log across it.
`manage.py ledger verify` refuses a state entry dropped after the switch."""

from __future__ import annotations

import io

import pytest

from hashbank.ledger import audit, selectors, services
from hashbank.ledger.models import Entry
from hashbank.signals import services as signals
from hashbank.signals.models import Signal
from hashbank.signals.types import RemovalReason
from member_portal import verify
from member_portal.feed import checkpoint as checkpoints
from member_portal.feed import note, wire
from tests.fixtures.ledger import hold_many
from tests.fixtures.legacy import drop_last_state_entry, seal_before_the_switch
from tests.verify import independent

pytestmark = pytest.mark.django_db


@pytest.fixture
def switched(signing_key) -> dict[str, int]:
    """Two seals before the switch (sizes 3 and 5), then two after (8 and 10)."""
    held = hold_many(3)
    sizes = {"first": seal_before_the_switch().size}
    hold_many(1)
    signals.release(signal=held[0], reason=RemovalReason.WITHDRAWN)
    sizes["before"] = seal_before_the_switch().size
    hold_many(2)
    sizes["switch"] = services.seal().size
    hold_many(1)
    sizes["after"] = services.seal().size
    return sizes


def body(size: int) -> checkpoints.Checkpoint:
    return checkpoints.parse(note.split(selectors.checkpoint_for_size(size).note)[0])


def member() -> verify.FeedState:
    return verify.FeedState(root=verify.trust_root(selectors.root_documents()[0]))


def snapshot(size: int) -> wire.SnapshotReader:
    out = io.BytesIO()
    selectors.write_snapshot(out, selectors.checkpoint_for_size(size))
    return wire.SnapshotReader(io.BytesIO(out.getvalue()))


def test_checkpoints_keep_their_active_line_before_the_switch_and_carry_state_after(switched):
    assert switched == {"first": 3, "before": 5, "switch": 8, "after": 10}
    assert [body(size).scheme for size in switched.values()] == [
        "active",
        "active",
        "state",
        "state",
    ]


def test_the_first_state_entry_commits_to_the_whole_active_set(switched) -> None:
    first = independent.leaf_fields(bytes(Entry.objects.get(seq=7).leaf))
    live = [bytes(s.digest) for s in Signal.objects.filter(add_seq__lt=7, state="active")]
    assert first["kind"] == 3 and first["target"] == len(live) == 5
    assert first["digest"] == independent.state_commitment(5, independent.lthash16(live))
    assert Entry.objects.filter(kind=Entry.STATE).count() == 2


def test_ledger_verify_accepts_a_ledger_that_switched(switched) -> None:
    assert audit.verify_ledger() == []


def test_a_member_follows_the_ledger_across_its_switch(switched) -> None:
    state = verify.apply_entries_page(
        member(),
        selectors.checkpoint_for_size(5).note,
        selectors.entries_page(0, 5),
    )
    assert not state.active.switched
    state = verify.apply_entries_page(
        state, selectors.latest_checkpoint().note, selectors.entries_page(5, 10)
    )
    assert state.active.switched and state.active.count == 6


def test_snapshots_are_v1_before_the_switch_and_v2_after_and_both_verify(switched) -> None:
    old = snapshot(5)
    assert old.version == 1
    state = verify.verify_snapshot(member().root, old)
    state = verify.apply_entries_page(
        state, selectors.latest_checkpoint().note, selectors.entries_page(5, 10)
    )
    new = snapshot(10)
    assert new.version == 2
    assert verify.verify_snapshot(member().root, new).active.lthash == state.active.lthash


def test_ledger_verify_reports_a_state_entry_dropped_after_the_switch(switched) -> None:
    drop_last_state_entry()
    problems = audit.verify_ledger()
    assert "checkpoint 9: has a state line but its last entry is not one" in problems


def test_a_member_refuses_the_tree_without_its_state_entry(switched) -> None:
    state = verify.apply_entries_page(
        member(), selectors.checkpoint_for_size(8).note, selectors.entries_page(0, 8)
    )
    dropped = drop_last_state_entry()
    with pytest.raises(verify.VerificationError, match="entry 8 is not a state entry"):
        verify.apply_entries_page(state, dropped.note, selectors.entries_page(8, 9))

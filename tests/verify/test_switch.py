"""A log that switches from the additive digest to state entries at some size verifies across the
switch (entries pages and both snapshot versions); from the switch on, a checkpoint whose last
entry is not a state entry, an active line, or a state entry that commits to another set is
refused."""

from __future__ import annotations

import io

import pytest

from member_portal import verify
from member_portal.feed import checkpoint as checkpoints
from member_portal.feed import leaf as leaves
from member_portal.feed import merkle, note, wire
from member_portal.feed.lthash import LtHash
from member_portal.feed.setdigest import SetDigest
from tests.verify.builder import NOW, ORIGIN, Bank, pdq


@pytest.fixture
def switching_bank() -> Bank:
    """Entries 0..5 before the switch (checkpoints with an active line), then two seals that end
    with state entries (at 8 and 11)."""
    bank = Bank()
    digests = [bank.add(pdq(i)) for i in range(5)]
    bank.remove(digests[1])
    bank.add(pdq(10))
    bank.remove(digests[3])
    bank.seal_state()  # the switch: entry 8
    bank.add(pdq(11))
    bank.remove(digests[0])
    bank.seal_state()  # entry 11
    return bank


def fresh(bank: Bank) -> verify.FeedState:
    return verify.FeedState(root=verify.trust_root(bank.root_document(), now=NOW))


def page(bank: Bank, start: int, end: int) -> bytes:
    return wire.encode_entries(start, bank.records[start:end])


def test_checkpoints_before_the_switch_carry_an_active_line_and_after_it_a_state_line(
    switching_bank: Bank,
) -> None:
    before = checkpoints.parse(note.split(switching_bank.checkpoint_note(6))[0])
    after = checkpoints.parse(note.split(switching_bank.checkpoint_note(9))[0])
    assert (before.scheme, after.scheme) == ("active", "state")
    assert not before.has_state and after.has_state


def test_a_member_follows_a_log_across_its_switch_page_by_page(switching_bank: Bank) -> None:
    bank = switching_bank
    state = verify.apply_entries_page(fresh(bank), bank.checkpoint_note(6), page(bank, 0, 6))
    assert not state.active.switched
    state = verify.apply_entries_page(state, bank.checkpoint_note(9), page(bank, 6, 9))
    assert state.active.switched and state.active.count == 4
    state = verify.apply_entries_page(state, bank.checkpoint_note(12), page(bank, 9, 12))
    assert state.size == 12 and state.active.count == 4


def test_one_page_across_the_switch_verifies(switching_bank: Bank) -> None:
    state = verify.apply_entries_page(
        fresh(switching_bank), switching_bank.checkpoint_note(), page(switching_bank, 0, 12)
    )
    assert state.active.switched and state.active.digest() == state.checkpoint.active_digest


def test_a_v1_snapshot_before_the_switch_then_entries_across_it_verify(switching_bank) -> None:
    bank = switching_bank
    reader = wire.SnapshotReader(io.BytesIO(bank.snapshot(size=6)))
    assert reader.version == 1
    state = verify.verify_snapshot(fresh(bank).root, reader)
    state = verify.apply_entries_page(state, bank.checkpoint_note(), page(bank, 6, 12))
    assert state.size == 12 and state.active.switched


def test_a_v2_snapshot_after_the_switch_then_entries_verify(switching_bank: Bank) -> None:
    bank = switching_bank
    reader = wire.SnapshotReader(io.BytesIO(bank.snapshot(size=9)))
    assert reader.version == 2 and leaves.decode(reader.state_leaf).is_state
    state = verify.verify_snapshot(fresh(bank).root, reader)
    assert state.size == 9 and state.active.switched and state.active.count == 4
    state = verify.apply_entries_page(state, bank.checkpoint_note(), page(bank, 9, 12))
    assert state.size == 12


def test_after_the_switch_a_checkpoint_without_a_state_entry_last_is_refused(
    switching_bank: Bank,
) -> None:
    bank = switching_bank
    state = verify.apply_entries_page(fresh(bank), bank.checkpoint_note(9), page(bank, 0, 9))
    with pytest.raises(verify.VerificationError, match="entry 9 is not a state entry"):
        verify.apply_entries_page(state, bank.checkpoint_note(10), page(bank, 9, 10))


def test_after_the_switch_a_checkpoint_with_an_active_line_is_refused(switching_bank) -> None:
    bank = switching_bank
    state = verify.apply_entries_page(fresh(bank), bank.checkpoint_note(9), page(bank, 0, 9))
    # The bank leaves the next state entry out and signs the old digest of the set again.
    compact = merkle.CompactRange()
    compact.extend(raw for raw, _ in bank.records[:11])
    live = list(bank.active)
    old = checkpoints.Checkpoint(
        ORIGIN, 11, compact.root(), NOW, len(live), SetDigest.of(live).digest(), checkpoints.ACTIVE
    )
    with pytest.raises(verify.VerificationError, match="switched to state entries"):
        verify.apply_entries_page(state, note.sign(old.text(), bank.signers), page(bank, 9, 11))


def test_a_state_entry_that_commits_to_another_set_is_refused(switching_bank: Bank) -> None:
    bank = switching_bank
    wrong = leaves.encode_state(timestamp=NOW, digest=LtHash.of([pdq(77)]).digest(), count=1)
    forged = Bank(records=[*bank.records[:6], (wrong, b"")])
    with pytest.raises(verify.VerificationError, match="entry 6: the state entry does not commit"):
        verify.apply_entries_page(fresh(bank), forged.checkpoint_note(), page(forged, 0, 7))


def test_a_v2_snapshot_whose_checkpoint_has_an_active_line_is_refused(switching_bank) -> None:
    bank = switching_bank
    reader = wire.SnapshotReader(io.BytesIO(bank.snapshot(size=6)))
    records = b"".join(
        wire.encode_active_record(r.seq, r.type_code, r.quality, r.salt, r.value)
        for r in reader.records()
    )
    fake = wire.encode_snapshot_header(
        reader.note, reader.compact_range, reader.active_count, bank.records[8][0]
    )
    with pytest.raises(
        verify.VerificationError, match="v2 snapshot of a checkpoint with an active"
    ):
        verify.verify_snapshot(fresh(bank).root, wire.SnapshotReader(io.BytesIO(fake + records)))

"""The member-side verifier rejects every kind of tampering with a clear reason."""

from __future__ import annotations

import io

import pytest

from member_portal import verify
from member_portal.feed import note, wire
from tests.verify.builder import NOW, Bank, pdq, signer


@pytest.fixture
def memory_bank() -> Bank:
    memory_bank = Bank()
    digests = [memory_bank.add(pdq(i)) for i in range(12)]
    memory_bank.add(bytes(16), signal_type="md5", quality=None)
    memory_bank.remove(digests[3])
    memory_bank.remove(digests[7], reason="dispute_upheld")
    return memory_bank


def state_for(memory_bank: Bank) -> verify.FeedState:
    return verify.FeedState(root=verify.trust_root(memory_bank.root_document(), now=NOW))


def flip(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


def test_honest_feed_verifies(memory_bank: Bank) -> None:
    state = verify.apply_entries(
        state_for(memory_bank), memory_bank.checkpoint_note(), memory_bank.records, 0
    )
    assert state.size == len(memory_bank.records)
    assert state.active.count == 11


@pytest.mark.parametrize("bit", [0, 9, 20, 40, 12 * 8 + 3, 43 * 8, 51 * 8 + 7])
def test_flipped_bit_in_a_leaf_is_rejected(memory_bank: Bank, bit: int) -> None:
    records = list(memory_bank.records)
    raw, payload = records[5]
    records[5] = (flip(raw, bit), payload)
    with pytest.raises(verify.VerificationError):
        verify.apply_entries(state_for(memory_bank), memory_bank.checkpoint_note(), records, 0)


def test_flipped_bit_in_a_disclosed_value_is_rejected(memory_bank: Bank) -> None:
    records = list(memory_bank.records)
    raw, payload = records[2]
    records[2] = (raw, flip(payload, len(payload) * 8 - 1))
    with pytest.raises(verify.VerificationError, match="value does not match"):
        verify.apply_entries(state_for(memory_bank), memory_bank.checkpoint_note(), records, 0)


def test_dropped_entry_is_rejected(memory_bank: Bank) -> None:
    records = memory_bank.records[:4] + memory_bank.records[5:]
    with pytest.raises(verify.VerificationError, match="do not reach the checkpoint size"):
        verify.apply_entries(state_for(memory_bank), memory_bank.checkpoint_note(), records, 0)


def test_dropped_entry_replaced_by_a_duplicate_is_rejected(memory_bank: Bank) -> None:
    records = list(memory_bank.records)
    records[4] = records[5]
    with pytest.raises(verify.VerificationError, match="Merkle root"):
        verify.apply_entries(state_for(memory_bank), memory_bank.checkpoint_note(), records, 0)


def test_reordered_entries_are_rejected(memory_bank: Bank) -> None:
    records = list(memory_bank.records)
    records[1], records[2] = records[2], records[1]
    with pytest.raises(verify.VerificationError, match="reordered"):
        verify.apply_entries(state_for(memory_bank), memory_bank.checkpoint_note(), records, 0)


def test_checkpoint_signed_by_an_unknown_key_is_rejected(memory_bank: Bank) -> None:
    forged = memory_bank.checkpoint_note(signers=[signer("attacker")])
    with pytest.raises(verify.VerificationError, match="no signature by a trusted key"):
        verify.apply_entries(state_for(memory_bank), forged, memory_bank.records, 0)


def test_checkpoint_with_a_forged_signature_of_a_trusted_key_is_rejected(memory_bank: Bank) -> None:
    good = memory_bank.checkpoint_note()
    text, sigs = note.split(good)
    other = note.sign(
        text.replace("\n13\n", "\n14\n", 1) if "\n13\n" in text else text + "x\n",
        memory_bank.signers,
    )
    # a valid signature from another text, pasted under this text
    forged = text + "\n" + other.split("\n\n", 1)[1]
    with pytest.raises(verify.VerificationError, match="invalid signature"):
        verify.verify_checkpoint(forged, state_for(memory_bank).root)


def test_edited_checkpoint_text_is_rejected(memory_bank: Bank) -> None:
    good = memory_bank.checkpoint_note()
    lines = good.split("\n")
    lines[1] = str(int(lines[1]) - 1)
    with pytest.raises(verify.VerificationError):
        verify.verify_checkpoint("\n".join(lines), state_for(memory_bank).root)


def test_checkpoint_for_another_origin_is_rejected(memory_bank: Bank) -> None:
    other = signer("key-1", name="other.example/log")
    root_text = memory_bank.root_document(keys=[other.verifier], signers=[other])
    root = verify.trust_root(root_text, now=NOW)
    with pytest.raises(verify.VerificationError):
        verify.verify_checkpoint(memory_bank.checkpoint_note(), root)


def test_expired_root_document_is_rejected(memory_bank: Bank) -> None:
    with pytest.raises(verify.VerificationError, match="expired"):
        verify.trust_root(memory_bank.root_document(expires=NOW - 1), now=NOW)


def test_rolled_back_checkpoint_is_rejected(memory_bank: Bank) -> None:
    state = verify.apply_entries(
        state_for(memory_bank), memory_bank.checkpoint_note(), memory_bank.records, 0
    )
    with pytest.raises(verify.VerificationError, match="rolled back"):
        verify.verify_checkpoint(memory_bank.checkpoint_note(size=10), state.root, state.checkpoint)


def test_fork_at_the_same_size_is_rejected(memory_bank: Bank) -> None:
    state = verify.apply_entries(
        state_for(memory_bank), memory_bank.checkpoint_note(), memory_bank.records, 0
    )
    fork = Bank(signers=memory_bank.signers)
    for i in range(len(memory_bank.records)):
        fork.add(pdq(1000 + i))
    with pytest.raises(verify.VerificationError, match="fork"):
        verify.verify_checkpoint(fork.checkpoint_note(), state.root, state.checkpoint)


def test_wrong_active_set_digest_is_rejected(memory_bank: Bank) -> None:
    # The memory_bank signs a checkpoint whose active line does not follow from its own leaves.
    from member_portal.feed import checkpoint as checkpoints

    parsed = checkpoints.parse(note.split(memory_bank.checkpoint_note())[0])
    lying = checkpoints.Checkpoint(
        parsed.origin, parsed.size, parsed.root, parsed.time, parsed.active_count, bytes(32)
    )
    with pytest.raises(verify.VerificationError, match="active set"):
        verify.apply_entries(
            state_for(memory_bank),
            note.sign(lying.text(), memory_bank.signers),
            memory_bank.records,
            0,
        )


def test_remove_naming_a_later_entry_is_rejected() -> None:
    from member_portal.feed import leaf as leaves

    memory_bank = Bank()
    d = memory_bank.add(pdq(1))
    memory_bank.records.append(
        (leaves.encode_remove(type_code=1, reason_code=1, timestamp=NOW, digest=d, target=5), b"")
    )
    with pytest.raises(verify.VerificationError, match="not earlier"):
        verify.apply_entries(
            state_for(memory_bank), memory_bank.checkpoint_note(), memory_bank.records, 0
        )


def test_entries_continue_from_a_verified_snapshot(memory_bank: Bank) -> None:
    root = state_for(memory_bank).root
    state = verify.verify_snapshot(
        root, wire.SnapshotReader(io.BytesIO(memory_bank.snapshot(size=8)))
    )
    assert state.size == 8
    state = verify.apply_entries(state, memory_bank.checkpoint_note(), memory_bank.records[8:], 8)
    assert state.active.count == 11


def test_entries_that_do_not_start_at_the_verified_size_are_rejected(memory_bank: Bank) -> None:
    root = state_for(memory_bank).root
    state = verify.verify_snapshot(
        root, wire.SnapshotReader(io.BytesIO(memory_bank.snapshot(size=8)))
    )
    with pytest.raises(verify.VerificationError, match="start at 9"):
        verify.apply_entries(state, memory_bank.checkpoint_note(), memory_bank.records[9:], 9)


def test_snapshot_missing_an_active_record_is_rejected(memory_bank: Bank) -> None:
    tampered = memory_bank.snapshot(drop=1)
    with pytest.raises(verify.VerificationError, match="active set"):
        verify.verify_snapshot(
            state_for(memory_bank).root, wire.SnapshotReader(io.BytesIO(tampered))
        )


def test_snapshot_with_a_tampered_compact_range_is_rejected(memory_bank: Bank) -> None:
    data = bytearray(memory_bank.snapshot())
    at = (
        data.index(memory_bank.checkpoint_note().encode())
        + len(memory_bank.checkpoint_note().encode())
        + 1
    )
    data[at] ^= 1
    with pytest.raises(verify.VerificationError, match="compact range"):
        verify.verify_snapshot(
            state_for(memory_bank).root, wire.SnapshotReader(io.BytesIO(bytes(data)))
        )


def test_truncated_entries_page_is_rejected(memory_bank: Bank) -> None:
    page = wire.encode_entries(0, memory_bank.records)
    with pytest.raises(verify.VerificationError, match="truncated"):
        verify.apply_entries_page(state_for(memory_bank), memory_bank.checkpoint_note(), page[:-3])

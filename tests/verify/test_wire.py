"""The feed's wire encodings (member_portal.feed.wire) against the independent transcription of
docs/feed-format.md: snapshot records built from entries, and the one-pass entries page scan."""

from __future__ import annotations

import hashlib
import io

import pytest

from member_portal.feed import leaf as leaves
from member_portal.feed import merkle, wire
from member_portal.feed.activeset import ActiveSet
from tests.verify import independent
from tests.verify.builder import Bank, pdq


@pytest.fixture
def memory_bank() -> Bank:
    memory_bank = Bank()
    digests = [memory_bank.add(pdq(i)) for i in range(9)]
    memory_bank.add(bytes(range(16)), signal_type="md5", quality=None)
    memory_bank.add(bytes(range(8)), signal_type="phash", quality=None)
    memory_bank.remove(digests[2])
    memory_bank.remove(digests[6], reason="dispute_upheld")
    return memory_bank


def adds(memory_bank: Bank) -> list[tuple[int, bytes, bytes]]:
    return [
        (seq, raw, payload) for seq, (raw, payload) in enumerate(memory_bank.records) if payload
    ]


def test_leaf_type_code_is_the_type_byte_of_the_specified_layout(memory_bank: Bank) -> None:
    for raw, _payload in memory_bank.records:
        assert leaves.type_code(raw) == independent.leaf_fields(raw)["type"]


def test_snapshot_record_from_an_add_entry_is_the_specified_record(memory_bank: Bank) -> None:
    for seq, raw, payload in adds(memory_bank):
        fields = independent.payload_fields(payload)
        expected = independent.snapshot_record(
            seq,
            independent.leaf_fields(raw)["type"],
            fields["quality"],
            fields["salt"],
            fields["value"],
        )
        assert wire.active_record_from_entry(seq, raw, payload) == expected


def test_snapshot_records_from_entries_read_back_as_the_signals_they_came_from(
    memory_bank: Bank,
) -> None:
    entries = adds(memory_bank)
    body = b"".join(wire.active_record_from_entry(seq, raw, p) for seq, raw, p in entries)
    head = wire.encode_snapshot_header("note\n", b"", len(entries))
    records = list(wire.SnapshotReader(io.BytesIO(head + body)).records())
    assert [r.seq for r in records] == [seq for seq, _raw, _p in entries]
    assert [r.digest for r in records] == [leaves.decode(raw).digest for _s, raw, _p in entries]
    assert {r.signal_type for r in records} == {"pdq", "md5", "phash"}


def test_snapshot_record_from_an_add_whose_value_was_purged_is_refused(memory_bank: Bank) -> None:
    raw, _payload = memory_bank.records[0]
    with pytest.raises(wire.WireError, match="entry 0"):
        wire.active_record_from_entry(0, raw, b"")


def test_entries_header_reads_start_and_count_of_a_page(memory_bank: Bank) -> None:
    page = independent.entries_page(5, memory_bank.records[5:])
    assert wire.entries_header(page) == (5, len(memory_bank.records) - 5)


@pytest.mark.parametrize("page", [b"HBE1\x00", b"HBS1" + bytes(12)], ids=["short", "snapshot"])
def test_entries_header_refuses_what_is_not_an_entries_page(page: bytes) -> None:
    with pytest.raises(wire.WireError, match="entries: "):
        wire.entries_header(page)


def test_scanned_page_gives_the_specified_root_and_active_set(memory_bank: Bank) -> None:
    page = independent.entries_page(0, memory_bank.records)
    compact, active = wire.scan_entries(page, merkle.CompactRange(), ActiveSet())
    assert compact.size == len(memory_bank.records)
    assert compact.root() == independent.mth([raw for raw, _ in memory_bank.records])
    assert active.count == len(memory_bank.active)
    assert active.digest() == independent.set_digest(list(memory_bank.active))


def test_scanning_in_two_pages_gives_what_scanning_in_one_gives(memory_bank: Bank) -> None:
    whole = wire.scan_entries(
        independent.entries_page(0, memory_bank.records), merkle.CompactRange(), ActiveSet()
    )
    half = wire.scan_entries(
        independent.entries_page(0, memory_bank.records[:7]), merkle.CompactRange(), ActiveSet()
    )
    rest = wire.scan_entries(independent.entries_page(7, memory_bank.records[7:]), *half)
    assert rest[0].hashes == whole[0].hashes and rest[0].size == whole[0].size
    assert (rest[1].count, rest[1].digest()) == (whole[1].count, whole[1].digest())


def test_scanning_leaves_the_tree_and_active_set_it_continues_unchanged(memory_bank: Bank) -> None:
    compact, active = wire.scan_entries(
        independent.entries_page(0, memory_bank.records[:7]), merkle.CompactRange(), ActiveSet()
    )
    hashes, count, digest = list(compact.hashes), active.count, active.digest()
    wire.scan_entries(independent.entries_page(7, memory_bank.records[7:]), compact, active)
    assert (compact.hashes, compact.size) == (hashes, 7)
    assert (active.count, active.digest()) == (count, digest)


def test_scanning_a_page_that_does_not_continue_the_tree_is_refused(memory_bank: Bank) -> None:
    page = independent.entries_page(3, memory_bank.records[3:])
    with pytest.raises(wire.WireError, match="start at 3, but the tree has 0"):
        wire.scan_entries(page, merkle.CompactRange(), ActiveSet())


def test_scanning_names_the_entry_whose_value_does_not_match_its_leaf(memory_bank: Bank) -> None:
    records = list(memory_bank.records)
    raw, payload = records[4]
    records[4] = (raw, payload[:-1] + bytes([payload[-1] ^ 1]))
    with pytest.raises(wire.WireError, match="entry 4: value does not match"):
        wire.scan_entries(independent.entries_page(0, records), merkle.CompactRange(), ActiveSet())


def test_scanning_hands_back_the_specified_leaf_hashes(memory_bank: Bank) -> None:
    page = independent.entries_page(0, memory_bank.records)
    hashes: list[bytes] = []
    wire.scan_entries(page, merkle.CompactRange(), ActiveSet(), hashes)
    assert hashes == [hashlib.sha256(b"\x00" + raw).digest() for raw, _ in memory_bank.records]


@pytest.mark.parametrize("count", [0, 1, 7, 13])
def test_a_page_prefix_is_the_page_of_those_entries(memory_bank: Bank, count: int) -> None:
    page = independent.entries_page(5, memory_bank.records)
    assert wire.entries_prefix(page, count) == independent.entries_page(
        5, memory_bank.records[:count]
    )


def test_a_prefix_of_a_truncated_page_is_refused(memory_bank: Bank) -> None:
    page = independent.entries_page(0, memory_bank.records)
    with pytest.raises(wire.WireError):
        wire.entries_prefix(page[:60], 3)

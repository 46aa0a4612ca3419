"""member_portal/feed/lthash.py against the independent LtHash16 (tests/verify/independent.py,
lane by lane from docs/feed-format.md 3.1): elements, sums, removal, the commitment digest; and
scanning an entries page with state entries gives the independent state."""

from __future__ import annotations

import hashlib

import pytest
from blake3 import blake3

from member_portal.feed import leaf as leaves
from member_portal.feed import lthash, merkle, wire
from member_portal.feed.activeset import ActiveSet
from member_portal.feed.lthash import LtHash
from tests.verify import independent
from tests.verify.builder import Bank, pdq

DIGESTS = [hashlib.sha256(b"element %d" % i).digest() for i in range(600)]


def test_an_element_is_2048_bytes_of_blake3_output_of_the_domain_and_digest() -> None:
    expanded = lthash.element(DIGESTS[0])
    assert len(expanded) == 2048
    assert expanded == blake3(b"hashbank/state/v1\x00" + DIGESTS[0]).digest(length=2048)


def test_the_empty_state_is_all_zero_lanes_and_commits_with_count_zero() -> None:
    empty = LtHash()
    assert empty.to_bytes() == bytes(2048)
    assert empty.digest() == independent.state_commitment(0, [0] * 1024)


@pytest.mark.parametrize("n", [1, 2, 255, 256, 257, 600])  # around the numpy batch size
def test_batched_sums_equal_the_independent_lane_by_lane_sum(n: int) -> None:
    state = LtHash.of(DIGESTS[:n])
    assert state.count == n
    assert state.digest() == independent.state_commitment(n, independent.lthash16(DIGESTS[:n]))


def test_adding_one_at_a_time_equals_adding_in_a_batch() -> None:
    one = LtHash()
    for d in DIGESTS[:40]:
        one.add(d)
    assert one == LtHash.of(DIGESTS[:40])


def test_removing_undoes_adding_in_any_order() -> None:
    state = LtHash.of(DIGESTS[:10])
    state.remove(DIGESTS[3])
    state.remove_many([DIGESTS[7], DIGESTS[0]])
    rest = [d for i, d in enumerate(DIGESTS[:10]) if i not in (0, 3, 7)]
    assert state == LtHash.of(reversed(rest))
    assert state.digest() == independent.state_commitment(
        7, independent.lthash16(DIGESTS[:10], removed=[DIGESTS[i] for i in (0, 3, 7)])
    )


def test_a_state_round_trips_through_its_bytes() -> None:
    state = LtHash.of(DIGESTS[:5])
    again = LtHash.from_bytes(5, state.to_bytes())
    assert again == state and again.lanes is not state.lanes
    with pytest.raises(lthash.LtHashError):
        LtHash.from_bytes(5, bytes(2047))


def test_the_state_leaf_is_the_independent_layout() -> None:
    state = LtHash.of(DIGESTS[:3])
    raw = leaves.encode_state(timestamp=1_700_000_000, digest=state.digest(), count=3)
    assert raw == independent.state_leaf(1_700_000_000, DIGESTS[:3])
    decoded = leaves.decode(raw)
    assert decoded.is_state and decoded.target == 3 and decoded.digest == state.digest()


def test_a_state_leaf_with_a_type_or_reason_does_not_decode() -> None:
    raw = bytearray(leaves.encode_state(timestamp=1, digest=bytes(32), count=0))
    raw[2] = 1
    with pytest.raises(leaves.LeafError, match="no signal type"):
        leaves.decode(bytes(raw))


def test_scanning_a_page_with_state_entries_gives_the_independent_state() -> None:
    bank = Bank()
    digests = [bank.add(pdq(i)) for i in range(6)]
    bank.seal_state()
    bank.remove(digests[2])
    bank.add(pdq(9))
    bank.seal_state()
    page = independent.entries_page(0, bank.records)
    compact, active = wire.scan_entries(page, merkle.CompactRange(), ActiveSet())
    live = [d for d in bank.active]
    assert active.switched and active.ends_with_state and active.count == 6
    assert active.digest() == independent.state_commitment(6, independent.lthash16(live))
    assert compact.root() == independent.mth([raw for raw, _ in bank.records])

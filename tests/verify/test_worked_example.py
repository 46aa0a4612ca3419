"""docs/feed-format.md's worked example: the document shows exactly what the production code
produces, and the independent implementation, reading only the document, agrees with every value."""

from __future__ import annotations

import base64
import io
import re
import struct
from pathlib import Path

import pytest

from member_portal import verify
from member_portal.feed import wire
from tests.verify import independent
from tests.verify.worked_example import (
    MD5,
    MD5_SALT,
    PDQ,
    PDQ_SALT,
    PHASH,
    PHASH_SALT,
    build,
)

DOC = (Path(__file__).resolve().parents[2] / "docs" / "feed-format.md").read_text()
EXAMPLE = DOC[DOC.index("## 8. Worked example") :]


def shown(label: str) -> str:
    match = re.search(rf"^\s+{re.escape(label)}\s+(\S+)$", EXAMPLE, re.MULTILINE)
    assert match, f"{label!r} is not in the worked example"
    return match.group(1)


def fenced(after: str) -> str:
    start = EXAMPLE.index("```\n", EXAMPLE.index(after)) + 4
    return EXAMPLE[start : EXAMPLE.index("```", start)]


@pytest.mark.parametrize("name", [k for k in build() if k not in ("signer", "compact_range")])
def test_document_shows_what_the_code_produces(name: str) -> None:
    value = build()[name]
    if name == "page":
        assert value == "".join(fenced("The entries page").split())
    elif name == "page5":
        assert value == "".join(fenced("The entries page `[3, 5)`").split())
    elif name == "snapshot5_head":
        assert value == "".join(fenced("The head of the version 2 snapshot").split())
    elif name == "page7":
        assert value == "".join(fenced("The entries page `[5, 7)`").split())
    elif name == "snapshot7_head":
        assert value == "".join(fenced("The head of the version 3 snapshot").split())
    elif name == "snapshot7_records":
        assert value == "".join(fenced("Its two records").split())
    else:
        assert value in EXAMPLE


def test_independent_implementation_reproduces_the_example_from_the_document() -> None:
    leaves = [bytes.fromhex(shown(f"leaf {i}")) for i in range(3)]
    pdq_digest = independent.value_digest(PDQ_SALT, 1, 100, PDQ)
    md5_digest = independent.value_digest(MD5_SALT, 2, 255, MD5)
    assert pdq_digest.hex() == shown("pdq digest") and md5_digest.hex() == shown("md5 digest")
    fields = [independent.leaf_fields(leaf) for leaf in leaves]
    assert [f["kind"] for f in fields] == [1, 1, 2]
    assert fields[0]["digest"] == pdq_digest and fields[2]["digest"] == md5_digest
    assert fields[2]["target"] == 1 and fields[2]["reason"] == 1
    for i, leaf in enumerate(leaves):
        assert independent.sha256(b"\x00" + leaf).hex() == shown(f"leaf hash {i}")
    root = independent.mth(leaves)
    assert root.hex() == shown("root (size 3)")
    assert independent.set_digest([pdq_digest]).hex() == shown("active-set digest")

    text, signers = independent.open_note(fenced("The signed checkpoint"), [shown("verifier key")])
    assert signers == ["example.org/hashbank"]
    body = independent.parse_checkpoint(text)
    assert body["size"] == 3 and body["root"] == root
    count, digest = body["active"].split(" ")
    assert count == "1" and base64.b64decode(digest) == independent.set_digest([pdq_digest])
    independent.open_note(fenced("Root document version 1"), [shown("verifier key")])


def test_member_verifier_accepts_the_example_page() -> None:
    root = verify.trust_root(fenced("Root document version 1"), now=1_700_000_000)
    page = bytes.fromhex("".join(fenced("The entries page").split()))
    state = verify.apply_entries_page(
        verify.FeedState(root=root), fenced("The signed checkpoint"), page
    )
    assert state.size == 3 and state.active.count == 1
    start, records = wire.decode_entries(page)
    assert start == 0 and [r[0].hex() for r in records] == [shown(f"leaf {i}") for i in range(3)]


def test_independent_implementation_reproduces_the_switch_from_the_document() -> None:
    digests = [
        independent.value_digest(PDQ_SALT, 1, 100, PDQ),
        independent.value_digest(PHASH_SALT, 3, 255, PHASH),
    ]
    assert digests[1].hex() == shown("phash digest")
    lanes = independent.lthash16(digests)
    assert struct.pack("<8H", *lanes[:8]).hex() == shown("lthash state (sum)")
    element = independent.lthash16(digests[:1])
    assert struct.pack("<8H", *element[:8]).hex() == shown("lthash element(pdq)")
    commitment = independent.state_commitment(2, lanes)
    assert commitment.hex() == shown("state commitment")
    assert independent.state_leaf(1_700_000_120, digests).hex() == shown("leaf 4")
    leaves = [bytes.fromhex(shown(f"leaf {i}")) for i in range(5)]
    root = independent.mth(leaves)
    assert root.hex() == shown("root (size 5)")
    text, _ = independent.open_note(
        fenced("The signed checkpoint at size 5"), [shown("verifier key")]
    )
    body = independent.parse_checkpoint(text)
    assert body["size"] == 5 and body["root"] == root and "active" not in body
    assert body["state"] == f"2 {base64.b64encode(commitment).decode()}"
    head = bytes.fromhex("".join(fenced("The head of the version 2 snapshot").split()))
    records = b"".join(
        [
            independent.snapshot_record(0, 1, 100, PDQ_SALT, PDQ),
            independent.snapshot_record(3, 3, 255, PHASH_SALT, PHASH),
        ]
    )
    assert independent.verify_snapshot_v2(head + records, root, 5) == digests


def test_member_verifier_follows_the_example_across_its_switch() -> None:
    root = verify.trust_root(fenced("Root document version 1"), now=1_700_000_000)
    first = bytes.fromhex("".join(fenced("The entries page").split()))
    state = verify.apply_entries_page(
        verify.FeedState(root=root), fenced("The signed checkpoint"), first
    )
    assert not state.active.switched
    second = bytes.fromhex("".join(fenced("The entries page `[3, 5)`").split()))
    state = verify.apply_entries_page(state, fenced("The signed checkpoint at size 5"), second)
    assert state.size == 5 and state.active.switched and state.active.count == 2


def test_independent_implementation_reproduces_the_tier_entry_from_the_document() -> None:
    pdq = independent.value_digest(PDQ_SALT, 1, 100, PDQ)
    phash = independent.value_digest(PHASH_SALT, 3, 255, PHASH)
    leaf5 = independent.tier_leaf(1_700_000_180, 1, 4, pdq, 0)
    assert leaf5.hex() == shown("leaf 5")
    fields = independent.leaf_fields(leaf5)
    assert (fields["kind"], fields["reason"], fields["target"]) == (4, 4, 0)
    assert independent.tier_of(fields["reason"]) == "confirmed"
    leaves = [bytes.fromhex(shown(f"leaf {i}")) for i in range(6)]
    replayed = independent.replay(leaves)
    assert replayed["tiers"] == {0: 4} and sorted(replayed["active"]) == [0, 3]
    lanes = independent.lthash16_with_tiers([pdq, phash], {pdq: 4})
    assert struct.pack("<8H", *lanes[:8]).hex() == shown("lthash state (size 7)")
    element = independent.lthash16_with_tiers([], {pdq: 4})
    assert struct.pack("<8H", *element[:8]).hex() == shown("tier element(pdq, 4)")
    commitment = independent.state_commitment(2, lanes)
    assert commitment.hex() == shown("state commitment (size 7)")
    leaf6 = bytes([1, 3, 0, 0]) + (1_700_000_180).to_bytes(8, "big") + commitment
    leaf6 += (2).to_bytes(8, "big")
    assert leaf6.hex() == shown("leaf 6")
    root = independent.mth([*leaves, leaf6])
    assert root.hex() == shown("root (size 7)")
    text, _ = independent.open_note(
        fenced("The signed checkpoint at size 7"), [shown("verifier key")]
    )
    body = independent.parse_checkpoint(text)
    assert body["size"] == 7 and body["root"] == root
    assert body["state"] == f"2 {base64.b64encode(commitment).decode()}"
    head = bytes.fromhex("".join(fenced("The head of the version 3 snapshot").split()))
    records = bytes.fromhex("".join(fenced("Its two records").split()))
    assert records[10] == 4 and head[:4] == b"HBS3"
    assert independent.verify_snapshot_v2(head + records, root, 7) == [pdq, phash]


def test_member_verifier_follows_the_example_to_its_tier_entry() -> None:
    root = verify.trust_root(fenced("Root document version 1"), now=1_700_000_000)
    state = verify.FeedState(root=root)
    for page, checkpoint in (
        ("The entries page", "The signed checkpoint"),
        ("The entries page `[3, 5)`", "The signed checkpoint at size 5"),
        ("The entries page `[5, 7)`", "The signed checkpoint at size 7"),
    ):
        data = bytes.fromhex("".join(fenced(page).split()))
        state = verify.apply_entries_page(state, fenced(checkpoint), data)
    assert state.size == 7 and state.active.tier(0) == "confirmed"
    assert state.active.tier(3) == "unreviewed"
    head = bytes.fromhex("".join(fenced("The head of the version 3 snapshot").split()))
    records = bytes.fromhex("".join(fenced("Its two records").split()))
    snapshot = verify.verify_snapshot(root, wire.SnapshotReader(io.BytesIO(head + records)))
    assert snapshot.active.tiers == state.active.tiers == {0: 4}
    assert snapshot.active.lthash == state.active.lthash

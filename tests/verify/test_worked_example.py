"""docs/feed-format.md's worked example: the document shows exactly what the production code
produces, and the independent implementation, reading only the document, agrees with every value."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from member_portal import verify
from member_portal.feed import wire
from tests.verify import independent
from tests.verify.worked_example import MD5, MD5_SALT, PDQ, PDQ_SALT, build

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

"""The signed origins list (member_portal/feed/origins.py) and docs/federation.md's example."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from member_portal.feed import note, origins, rootdoc

DOC = (Path(__file__).resolve().parents[2] / "docs" / "federation.md").read_text()
A, B = "bank-a.example/hashbank", "bank-b.example/hashbank"
TIME = 1764750000


def signer(origin: str, label: str) -> note.Signer:
    return note.Signer.from_seed(origin, hashlib.sha256(label.encode()).digest())


A_KEY = signer(A, "hashbank federation example bank-a log key")
B_KEY = signer(B, "hashbank federation example bank-b log key")


def root(origin: str, key: note.Signer) -> str:
    return note.sign(rootdoc.render(origin, 1, 1900000000, [key.verifier]), [key])


def doc_blocks() -> list[str]:
    return re.findall(r"```\n(.*?)```", DOC, flags=re.S)


def example_list() -> str:
    entries = [origins.OriginEntry.of(A, root(A, A_KEY)), origins.OriginEntry.of(B, root(B, B_KEY))]
    return origins.sign(B, TIME, entries, [B_KEY])


def test_the_documented_list_is_what_sign_makes_and_verifies_under_b_key():
    (documented,) = [b for b in doc_blocks() if b.startswith("hashbank origins\ncarrier bank-b")]
    assert documented == example_list()
    listed = origins.verify(documented, [note.Verifier.parse(str(B_KEY.verifier))])
    assert listed.carrier == B and listed.time == TIME
    assert [e.origin for e in listed.entries] == [A, B]
    assert str(B_KEY.verifier) in DOC


def test_the_documented_root_documents_are_the_anchors_the_list_names():
    roots = [b for b in doc_blocks() if b.startswith("hashbank root\n")]
    assert roots == [root(A, A_KEY), root(B, B_KEY)]
    listed = origins.parse(example_list())
    entry_a = listed.entry(hashlib.sha256(A.encode()).hexdigest())
    assert entry_a.anchors(roots[0]) and not entry_a.anchors(roots[1])
    assert rootdoc.verify_first(roots[0]).origin == A


def test_a_list_signed_by_another_key_is_refused():
    forged = origins.sign(B, TIME, origins.parse(example_list()).entries, [A_KEY])
    with pytest.raises(origins.OriginsError):
        origins.verify(forged, [B_KEY.verifier])


def test_an_edited_list_fails_its_signature():
    tampered = example_list().replace(f"time {TIME}", f"time {TIME + 1}")
    with pytest.raises(origins.OriginsError):
        origins.verify(tampered, [B_KEY.verifier])


def resign(text: str) -> str:
    return note.sign(text, [B_KEY])


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.replace("hashbank origins", "hashbank origin"),
        lambda t: t.replace("carrier ", "carier "),
        lambda t: t.replace(f"time {TIME}", "time 01764750000"),
        lambda t: t.replace(f"time {TIME}", "time -1"),
        lambda t: t.replace("origin 130a", "origin 130A"),
        lambda t: t.replace(" bank-a.example/hashbank\n", " bank-z.example/hashbank\n"),
        lambda t: t.replace(" 8fba16", " 8fba1"),
        lambda t: t.replace(" 8fba16", "  8fba1"),
        lambda t: "\n".join(reversed(t.rstrip("\n").split("\n")[3:])).join(
            [t.split("origin ")[0], "\n"]
        ),
        lambda t: t + t.rstrip("\n").split("\n")[3] + "\n",
        lambda t: "\n".join(t.split("\n")[:3] + [t.split("\n")[3]]) + "\n",
        lambda t: "\n".join(t.split("\n")[:3]) + "\n",
    ],
    ids=[
        "header",
        "carrier-word",
        "leading-zero",
        "negative-time",
        "uppercase-id",
        "id-not-of-origin",
        "short-digest",
        "double-space",
        "unsorted",
        "duplicate",
        "no-carrier-origin",
        "empty",
    ],
)
def test_malformed_lists_are_refused_even_when_signed(edit):
    text, _ = note.split(example_list())
    changed = edit(text)
    assert changed != text
    with pytest.raises(origins.OriginsError):
        origins.parse(resign(changed))


def test_render_sorts_by_origin_id_and_requires_the_carrier():
    a = origins.OriginEntry.of(A, root(A, A_KEY))
    b = origins.OriginEntry.of(B, root(B, B_KEY))
    assert origins.render(B, TIME, [b, a]) == origins.render(B, TIME, [a, b])
    with pytest.raises(origins.OriginsError):
        origins.render(B, TIME, [a])
    with pytest.raises(origins.OriginsError):
        origins.render(B, TIME, [a, b, a])


def test_not_a_note_is_an_origins_error():
    with pytest.raises(origins.OriginsError):
        origins.parse("hashbank origins\ncarrier x\n")

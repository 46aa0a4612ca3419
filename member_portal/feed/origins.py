"""The signed origins list: which origin logs a carrier bank serves, and the trust anchor of each.

A signed note (note.py) by the carrier bank's current log keys (those of its root document) whose
text is

    hashbank origins
    carrier <carrier origin>
    time <Unix seconds>
    origin <origin id> <root digest> <origin>       (one line per carried origin)

- the origin id is hex(SHA-256(origin)), 64 lowercase hex digits (the id in `/mirror/<id>/` and
  `/api/v1/origins/<id>/` URLs);
- the root digest is hex(SHA-256(the trust-anchor root document's whole signed note, UTF-8)):
  the root document the carrier pinned when it peered with that origin (for its own origin, its
  first root document). A member fetches the document itself from the API and checks it against
  this digest, then follows that origin's own chain (rootdoc.verify_chain) from there;
- the lines are sorted by origin id, one per origin, and the carrier's own origin is one of them.

The list says "this carrier vouches for these anchors"; it says nothing about the origins'
entries, which a member verifies with each origin's own keys. docs/federation.md has a worked
example.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from member_portal.feed import checkpoint, note

HEADER = "hashbank origins"
_HEX64 = re.compile(r"[0-9a-f]{64}")


class OriginsError(ValueError):
    """A signed origins list that is malformed or not signed by the carrier's keys."""


def origin_id(origin: str) -> str:
    """hex(SHA-256(origin)): the id of an origin in URLs and in the list."""
    return hashlib.sha256(origin.encode()).hexdigest()


def is_origin_id(text: str) -> bool:
    """Whether `text` is an origin id as written: 64 lowercase hex digits."""
    return _HEX64.fullmatch(text) is not None


def as_origin_id(named: str) -> str:
    """The id a caller names an origin by: an origin id as given, else the id of that origin."""
    return named if is_origin_id(named) else origin_id(named)


def root_digest(signed_root: str) -> str:
    """hex(SHA-256(a root document's whole signed note)), as the list names a trust anchor."""
    return hashlib.sha256(signed_root.encode()).hexdigest()


@dataclass(frozen=True)
class OriginEntry:
    origin_id: str
    root_digest: str
    origin: str

    @classmethod
    def of(cls, origin: str, signed_root: str) -> OriginEntry:
        """The entry for `origin` whose trust anchor is the root document `signed_root`."""
        return cls(origin_id(origin), root_digest(signed_root), origin)

    def anchors(self, signed_root: str) -> bool:
        """Whether `signed_root` is the trust anchor this entry names."""
        return root_digest(signed_root) == self.root_digest


@dataclass(frozen=True)
class OriginsList:
    carrier: str
    time: int
    entries: tuple[OriginEntry, ...]
    signed: str  # the whole signed note

    def entry(self, origin_id: str) -> OriginEntry | None:
        for entry in self.entries:
            if entry.origin_id == origin_id:
                return entry
        return None


def _check_origin(origin: str) -> None:
    if not origin or origin != origin.strip() or "\n" in origin:
        raise OriginsError("an origin is a non-empty line without surrounding space")


def render(carrier: str, time: int, entries: Iterable[OriginEntry]) -> str:
    """The list's text (to be signed with note.sign by the carrier's log keys)."""
    _check_origin(carrier)
    if not 0 <= time < 1 << 63:
        raise OriginsError("time is not a Unix time")
    ordered = sorted(entries, key=lambda e: e.origin_id)
    for entry in ordered:
        _check_entry(entry)
    _check_set(carrier, ordered)
    lines = [HEADER, f"carrier {carrier}", f"time {time}"]
    lines += [f"origin {e.origin_id} {e.root_digest} {e.origin}" for e in ordered]
    return "\n".join(lines) + "\n"


def sign(
    carrier: str, time: int, entries: Iterable[OriginEntry], signers: list[note.Signer]
) -> str:
    """render, signed by `signers` (the carrier's current log keys)."""
    return note.sign(render(carrier, time, entries), signers)


def _check_entry(entry: OriginEntry) -> None:
    _check_origin(entry.origin)
    if not _HEX64.fullmatch(entry.origin_id) or not _HEX64.fullmatch(entry.root_digest):
        raise OriginsError("origin ids and root digests are 64 lowercase hex digits")
    if entry.origin_id != origin_id(entry.origin):
        raise OriginsError(f"the id of {entry.origin!r} is not the SHA-256 of the origin")


def _check_set(carrier: str, ordered: list[OriginEntry]) -> None:
    ids = [e.origin_id for e in ordered]
    if len(set(ids)) != len(ids):
        raise OriginsError("an origin appears twice in the list")
    if origin_id(carrier) not in ids:
        raise OriginsError("the list does not carry the carrier's own origin")


def parse(signed_text: str) -> OriginsList:
    """Read a signed origins list without checking its signatures."""
    try:
        text, _ = note.split(signed_text)
    except note.NoteError as exc:
        raise OriginsError(f"not a signed note: {exc}") from None
    lines = text.removesuffix("\n").split("\n")
    if len(lines) < 4 or lines[0] != HEADER:
        raise OriginsError("not a hashbank origins list")
    carrier_word, _, carrier = lines[1].partition(" ")
    time_word, _, time_text = lines[2].partition(" ")
    if carrier_word != "carrier" or time_word != "time":
        raise OriginsError("an origins list has a carrier line and a time line")
    _check_origin(carrier)
    try:
        time = checkpoint.decimal(time_text, "time")
    except checkpoint.CheckpointError as exc:
        raise OriginsError(str(exc)) from None
    entries = []
    for line in lines[3:]:
        parts = line.split(" ", 3)
        if len(parts) != 4 or parts[0] != "origin":
            raise OriginsError("malformed origin line")
        entry = OriginEntry(parts[1], parts[2], parts[3])
        _check_entry(entry)
        entries.append(entry)
    ids = [e.origin_id for e in entries]
    if ids != sorted(ids):
        raise OriginsError("origin lines are not sorted by origin id")
    _check_set(carrier, entries)
    return OriginsList(carrier, time, tuple(entries), signed_text)


def verify(signed_text: str, verifiers: list[note.Verifier]) -> OriginsList:
    """Parse the list and check it is signed by one of `verifiers` (the carrier's log keys, from
    the carrier's root document: a member trusts them before it trusts anything the list says)."""
    listed = parse(signed_text)
    try:
        note.open_note(signed_text, verifiers)
    except note.NoteError as exc:
        raise OriginsError(f"the origins list is not signed by the carrier: {exc}") from None
    return listed

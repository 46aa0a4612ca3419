"""Root-of-trust documents: which keys may sign checkpoints, chained by version as TUF does.

A root document is a signed note whose text is

    hashbank root
    origin <origin>
    version <n>
    expires <Unix seconds>
    key <verifier key>          (one line per valid log key)

Version 1 is signed by its own keys. Version n+1 must be signed by at least one key of version n
and by every key it lists, so a member who trusts version n can follow the chain to n+1 without
trusting anything new out of band.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from member_portal.feed import note

HEADER = "hashbank root"


class RootError(ValueError):
    """A root document that is malformed, badly signed, out of order or expired."""


@dataclass(frozen=True)
class RootDocument:
    origin: str
    version: int
    expires: int
    keys: tuple[note.Verifier, ...]
    signed: str  # the whole signed note

    def text(self) -> str:
        return render(self.origin, self.version, self.expires, self.keys)


def render(origin: str, version: int, expires: int, keys) -> str:
    lines = [HEADER, f"origin {origin}", f"version {version}", f"expires {expires}"]
    lines += [f"key {key}" for key in keys]
    return "\n".join(lines) + "\n"


def parse(signed: str) -> RootDocument:
    text, _ = note.split(signed)
    lines = text.rstrip("\n").split("\n")
    if len(lines) < 5 or lines[0] != HEADER:
        raise RootError("not a hashbank root document")
    try:
        fields = [line.split(" ", 1) for line in lines[1:]]
        origin = dict(fields[:3])["origin"]
        version = int(dict(fields[:3])["version"])
        expires = int(dict(fields[:3])["expires"])
        keys = tuple(note.Verifier.parse(value) for name, value in fields[3:] if name == "key")
    except (KeyError, ValueError) as exc:
        raise RootError(f"malformed root document: {exc}") from None
    if not keys or len(keys) != len(fields) - 3:
        raise RootError("a root document lists at least one key and nothing else")
    return RootDocument(origin, version, expires, keys, signed)


def verify_first(signed: str, pinned_keys: list[note.Verifier] | None = None) -> RootDocument:
    """Check version 1 (or a root pinned out of band): signed by all of its own keys."""
    doc = parse(signed)
    _, signers = note.open_note(signed, list(doc.keys))
    if set(signers) != set(doc.keys):
        raise RootError("a root document must be signed by every key it lists")
    if pinned_keys is not None and not set(pinned_keys) & set(doc.keys):
        raise RootError("the root document does not contain the pinned key")
    return doc


def verify_next(current: RootDocument, signed: str) -> RootDocument:
    """Accept version n+1 given a trusted version n."""
    doc = parse(signed)
    if doc.origin != current.origin:
        raise RootError("the next root document names another origin")
    if doc.version != current.version + 1:
        raise RootError(f"expected root version {current.version + 1}, got {doc.version}")
    try:
        note.open_note(signed, list(current.keys))
    except note.NoteError as exc:
        raise RootError(
            f"version {doc.version} is not signed by the previous root's keys: {exc}"
        ) from None
    _, by_own = note.open_note(signed, list(doc.keys))
    if set(by_own) != set(doc.keys):
        raise RootError("a root document must be signed by every key it lists")
    return doc


def verify_chain(trusted: RootDocument, chain: list[str], now: int) -> RootDocument:
    """Follow a chain of later root documents; the newest must not have expired."""
    current = trusted
    for signed in chain:
        candidate = parse(signed)
        if candidate.version <= current.version:
            continue
        current = verify_next(current, signed)
    if current.expires <= now:
        raise RootError(f"root document version {current.version} expired")
    return current


def fingerprint(signed: str) -> str:
    """The SHA-256 of a signed root document as served (its UTF-8 bytes, exactly as
    `GET /api/v1/roots` lists it), in lowercase hex: what a member compares out of band before
    pinning the document (`sha256sum root.note` gives the same)."""
    return hashlib.sha256(signed.encode("utf-8")).hexdigest()


def grouped(hex_digest: str, size: int = 4) -> str:
    """A fingerprint in groups of four characters, to read aloud and compare by eye."""
    return " ".join(hex_digest[i : i + size] for i in range(0, len(hex_digest), size))

"""C2SP tlog-proof (https://c2sp.org/tlog-proof, `c2sp.org/tlog-proof@v1`): an offline-checkable
proof that an entry is in the log, with the checkpoint that covers it and its cosignatures.

    c2sp.org/tlog-proof@v1
    extra <base64 of opaque extra data>          (optional; hashbank: the entry's leaf)
    index <zero-based index of the entry>
    <base64 inclusion-proof hash, one per line, from the leaf's sibling up>

    <the checkpoint note, verbatim: body, blank line, signature lines>

hashbank's proofs are of remove entries (docs/feed-format.md, "Removal proofs"): `extra` holds the
entry's leaf (member_portal/feed/leaf.py) so the proof is self-contained, and the checkpoint
carries, next to the bank's signature, the receipts (tlog-cosignature/v1 lines by members' receipt
keys) that cover it. The extra data is not trusted: `verify` recomputes the leaf hash from it and
checks it against the root. Standard library plus the feed's own modules.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from member_portal.feed import checkpoint as checkpoints
from member_portal.feed import cosignature, merkle, note

HEADER = "c2sp.org/tlog-proof@v1"
MAX_HASHES = 64


class ProofError(ValueError):
    """A proof that does not follow the format, or does not verify."""


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ProofError(f"{what} is not base64") from None


@dataclass(frozen=True)
class Proof:
    index: int
    hashes: list[bytes]
    checkpoint: str  # the signed note, verbatim
    extra: bytes | None = None

    def text(self) -> str:
        lines = [HEADER]
        if self.extra is not None:
            lines.append(f"extra {base64.b64encode(self.extra).decode()}")
        lines.append(f"index {self.index}")
        lines += [base64.b64encode(h).decode() for h in self.hashes]
        return "\n".join(lines) + "\n\n" + self.checkpoint

    @classmethod
    def parse(cls, text: str) -> Proof:
        head, sep, signed = text.partition("\n\n")
        if not sep:
            raise ProofError("no blank line before the checkpoint")
        lines = head.split("\n")
        if lines[0] != HEADER:
            raise ProofError(f"the first line must be {HEADER}")
        extra = None
        rest = lines[1:]
        if rest and rest[0].startswith("extra "):
            extra = _b64(rest[0][len("extra ") :], "extra")
            rest = rest[1:]
        if not rest or not rest[0].startswith("index "):
            raise ProofError("no index line")
        try:
            index = checkpoints.decimal(rest[0][len("index ") :], "index")
        except checkpoints.CheckpointError as exc:
            raise ProofError(str(exc)) from None
        if len(rest) - 1 > MAX_HASHES:
            raise ProofError("too many proof hashes")
        hashes = [_b64(line, "a proof hash") for line in rest[1:]]
        if any(len(h) != 32 for h in hashes):
            raise ProofError("a proof hash is not 32 bytes")
        try:
            note.split(signed)
        except note.NoteError as exc:
            raise ProofError(f"checkpoint: {exc}") from None
        return cls(index, hashes, signed, extra)


@dataclass(frozen=True)
class Verified:
    body: checkpoints.Body
    log_keys: list[note.Verifier]
    cosignatures: list[cosignature.Cosignature]


def verify(
    proof: Proof,
    *,
    leaf: bytes,
    origin: str,
    log_keys: list[note.Verifier],
    cosigners: list[cosignature.CosignatureVerifier] = (),
) -> Verified:
    """Check that `leaf` is entry `proof.index` of the tree the checkpoint commits to, that the
    checkpoint is `origin`'s and signed by one of `log_keys`; returns the cosignatures by
    `cosigners` (each checked; others are ignored, as signed notes' unknown keys are)."""
    try:
        text, signers = note.open_note(proof.checkpoint, list(log_keys))
        body = checkpoints.parse_body(text)
    except (note.NoteError, checkpoints.CheckpointError) as exc:
        raise ProofError(f"checkpoint: {exc}") from None
    if body.origin != origin:
        raise ProofError(f"checkpoint is of {body.origin!r}, not {origin!r}")
    if proof.index >= body.size:
        raise ProofError("index is beyond the checkpoint's size")
    try:
        merkle.verify_inclusion(
            proof.index, body.size, merkle.leaf_hash(leaf), proof.hashes, body.root
        )
    except merkle.ProofError as exc:
        raise ProofError(f"inclusion: {exc}") from None
    try:
        found = cosignature.cosignatures(proof.checkpoint, list(cosigners))
    except (cosignature.CosignatureError, note.NoteError) as exc:
        raise ProofError(f"cosignature: {exc}") from None
    return Verified(body, signers, found)

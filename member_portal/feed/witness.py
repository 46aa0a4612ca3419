"""C2SP tlog-witness (https://c2sp.org/tlog-witness) request and answer bodies.

`POST <prefix>/add-checkpoint` carries

    old <size of the last checkpoint the witness cosigned for this origin, 0 if none>
    <base64 consistency-proof hash from old to the new size, one per line>
    <blank line>
    <the checkpoint note, with the log's signatures>

A 409 answer's body is `<the witness's size>\\n` with `Content-Type: text/x.tlog.size`: the
client retries from that size. The checkpoint itself is read here in its generic C2SP
tlog-checkpoint form (origin, size, root, then any extension lines), because a witness cosigns
any log's checkpoints, not only hashbank's (whose extension lines checkpoint.py reads).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from member_portal.feed import checkpoint as checkpoints
from member_portal.feed import note

SIZE_CONTENT_TYPE = "text/x.tlog.size"
# A consistency proof between two trees of at most 2^63 leaves has at most 63 hashes.
MAX_PROOF_HASHES = 63


class WitnessRequestError(ValueError):
    """A request or answer body that does not follow tlog-witness (the witness answers 400)."""


def _decimal(text: str, what: str) -> int:
    try:
        return checkpoints.decimal(text, what)
    except checkpoints.CheckpointError as exc:
        raise WitnessRequestError(str(exc)) from None


CheckpointBody = checkpoints.Body


def parse_checkpoint_body(text: str) -> CheckpointBody:
    """The checkpoint in its generic form (checkpoint.parse_body), as a request error."""
    try:
        return checkpoints.parse_body(text)
    except checkpoints.CheckpointError as exc:
        raise WitnessRequestError(str(exc)) from None


@dataclass(frozen=True)
class AddCheckpoint:
    """An add-checkpoint request: what the client believes the witness has, a proof, the note."""

    old_size: int
    proof: tuple[bytes, ...]
    note: str

    def encode(self) -> bytes:
        lines = [f"old {self.old_size}"]
        lines += [base64.b64encode(h).decode() for h in self.proof]
        return ("\n".join(lines) + "\n\n" + self.note).encode()

    def checkpoint(self) -> CheckpointBody:
        """The note's checkpoint (its signatures unchecked)."""
        text, _ = note.split(self.note)
        return parse_checkpoint_body(text)


def parse_add_checkpoint(body: bytes) -> AddCheckpoint:
    """Read a request; the note's signatures are left for the witness to check against its keys."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise WitnessRequestError("the request is not UTF-8") from None
    head, sep, signed = text.partition("\n\n")
    if not sep:
        raise WitnessRequestError("no blank line between the proof and the checkpoint")
    lines = head.split("\n")
    keyword, _, size = lines[0].partition(" ")
    if keyword != "old":
        raise WitnessRequestError("the request starts with `old <size>`")
    old_size = _decimal(size, "old size")
    if len(lines) - 1 > MAX_PROOF_HASHES:
        raise WitnessRequestError("the consistency proof has too many hashes")
    proof = []
    for line in lines[1:]:
        try:
            digest = base64.b64decode(line, validate=True)
        except binascii.Error:
            raise WitnessRequestError("a proof line is not base64") from None
        if len(digest) != 32:
            raise WitnessRequestError("a proof hash is not 32 bytes")
        proof.append(digest)
    request = AddCheckpoint(old_size, tuple(proof), signed)
    try:
        request.checkpoint()
    except note.NoteError as exc:
        raise WitnessRequestError(f"the checkpoint is not a signed note: {exc}") from None
    return request


def encode_size(size: int) -> bytes:
    """The body of a 409 answer (Content-Type text/x.tlog.size)."""
    return f"{size}\n".encode()


def parse_size(body: bytes) -> int:
    text = body.decode("ascii", errors="replace")
    if not text.endswith("\n"):
        raise WitnessRequestError("a text/x.tlog.size body is a decimal size and a newline")
    return _decimal(text[:-1], "size")

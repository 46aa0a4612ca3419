"""A peer's log for the witness to cosign: leaves, checkpoints signed by the peer's key, and
consistency proofs, built with the independent implementation (tests/verify/independent.py), so
the witness's Merkle checks are not tested against themselves."""

from __future__ import annotations

import base64

from member_portal.feed import note
from tests.verify import independent

ORIGIN = "peer.example.org/hashbank"


class PeerLog:
    def __init__(self, origin: str = ORIGIN, *, leaves: int = 40, seed: bytes = b"peer") -> None:
        self.origin = origin
        self.signer = note.Signer.from_seed(origin, independent.sha256(seed + origin.encode()))
        self.leaves = [f"{origin} leaf {i}".encode() for i in range(leaves)]

    @property
    def vkey(self) -> str:
        return str(self.signer.verifier)

    def body(self, size: int, *, leaves: list[bytes] | None = None) -> str:
        root = independent.mth((leaves or self.leaves)[:size])
        return f"{self.origin}\n{size}\n{base64.b64encode(root).decode()}\n"

    def note(self, size: int, *, signers: list[note.Signer] | None = None, **kw) -> str:
        return note.sign(self.body(size, **kw), signers or [self.signer])

    def proof(self, old: int, size: int) -> list[bytes]:
        return independent.proof(old, self.leaves[:size])

    def request(self, old: int, size: int, *, proof: list[bytes] | None = None, **kw) -> bytes:
        """The add-checkpoint body from `old` to `size`, with the right proof unless given one."""
        hashes = self.proof(old, size) if proof is None else proof
        return independent.add_checkpoint_request(old, hashes, self.note(size, **kw))

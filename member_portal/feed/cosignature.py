"""C2SP tlog-cosignature/v1 (https://c2sp.org/tlog-cosignature) with Ed25519 keys (type 0x04).

A witness cosigns a checkpoint to say: "as of this time, the largest consistent tree I have seen
for this origin has this root". The signed message is

    cosignature/v1
    time <Unix seconds>
    <the checkpoint body: every line of the note text, extension lines included>

and the note signature line is `— <name> base64(key id[4] || time u64 || Ed25519 signature[64])`
(76 bytes decoded). The key id is SHA-256(name || 0x0A || 0x04 || public key)[:4]; verifier keys
are written `name+hexkeyid+base64(0x04 || public key)`, private keys
`PRIVATE+KEY+name+hexkeyid+base64(0x04 || seed)` (our own file format, as note.Signer's).

An Ed25519 cosignature does not commit to the cosigner's name, so one key must serve one cosigner
and one kind of statement only: the witness key is never the log key.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from member_portal.feed import note

ALG_COSIGNATURE_V1 = 0x04
HEADER = "cosignature/v1\n"
BLOB_SIZE = 4 + 8 + 64


class CosignatureError(note.NoteError):
    """A malformed cosigner key or cosignature line, or a cosignature that does not verify."""


def message(body: str, timestamp: int) -> bytes:
    """The bytes a cosigner signs for `body` (the checkpoint's note text, ending in a newline)."""
    if not body.endswith("\n") or "\n\n" in body:
        raise CosignatureError("checkpoint body must end in a newline and contain no blank line")
    if not 0 <= timestamp < 1 << 64:
        raise CosignatureError("cosignature time is not a u64")
    return f"{HEADER}time {timestamp}\n{body}".encode()


def _public_bytes(seed: bytes) -> bytes:
    return (
        Ed25519PrivateKey.from_private_bytes(seed)
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


@dataclass(frozen=True)
class Cosignature:
    """One cosignature, as it travels on a note signature line."""

    name: str
    key_id: int
    timestamp: int
    signature: bytes

    @classmethod
    def from_signature(cls, sig: note.Signature) -> Cosignature:
        """From a line `note.split` read (its `signature` is everything after the key id)."""
        if len(sig.signature) != BLOB_SIZE - 4:
            raise CosignatureError("not a tlog-cosignature/v1 Ed25519 cosignature")
        return cls(
            sig.name, sig.key_id, int.from_bytes(sig.signature[:8], "big"), sig.signature[8:]
        )

    @classmethod
    def parse_line(cls, line: str) -> Cosignature:
        """Parse `— <name> <base64>` (with or without its newline)."""
        line = line.removesuffix("\n")
        if not line.startswith(note.SIG_PREFIX):
            raise CosignatureError("a cosignature line starts with an em dash and a space")
        try:
            name, b64 = line[len(note.SIG_PREFIX) :].split(" ")
            blob = base64.b64decode(b64, validate=True)
        except (ValueError, binascii.Error):
            raise CosignatureError("malformed cosignature line") from None
        if len(blob) != BLOB_SIZE:
            raise CosignatureError("not a tlog-cosignature/v1 Ed25519 cosignature")
        note.check_name(name)
        return cls(
            name, int.from_bytes(blob[:4], "big"), int.from_bytes(blob[4:12], "big"), blob[12:]
        )

    def line(self) -> str:
        blob = self.key_id.to_bytes(4, "big") + self.timestamp.to_bytes(8, "big") + self.signature
        return f"{note.SIG_PREFIX}{self.name} {base64.b64encode(blob).decode()}\n"


@dataclass(frozen=True)
class CosignatureVerifier:
    """A cosigner's public key: `name+hexkeyid+base64(0x04 || key)`."""

    name: str
    key_id: int
    public_key: bytes

    @classmethod
    def parse(cls, vkey: str) -> CosignatureVerifier:
        try:
            name, hexid, b64 = vkey.strip().split("+", 2)
            raw = base64.b64decode(b64, validate=True)
            kid = int(hexid, 16)
        except (ValueError, binascii.Error):
            raise CosignatureError("malformed verifier key") from None
        note.check_name(name)
        if len(hexid) != 8 or len(raw) != 33 or raw[0] != ALG_COSIGNATURE_V1:
            raise CosignatureError("verifier key is not a tlog-cosignature/v1 Ed25519 key")
        if note.key_id(name, raw[1:], ALG_COSIGNATURE_V1) != kid:
            raise CosignatureError("verifier key id does not match its key")
        return cls(name, kid, raw[1:])

    def __str__(self) -> str:
        raw = bytes([ALG_COSIGNATURE_V1]) + self.public_key
        return f"{self.name}+{self.key_id:08x}+{base64.b64encode(raw).decode()}"

    def verify(self, body: str, cosignature: Cosignature) -> None:
        """Raise CosignatureError unless `cosignature` is this key's over `body`."""
        if (cosignature.name, cosignature.key_id) != (self.name, self.key_id):
            raise CosignatureError(f"cosignature is not by {self.name}+{self.key_id:08x}")
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(
                cosignature.signature, message(body, cosignature.timestamp)
            )
        except InvalidSignature:
            raise CosignatureError(f"invalid cosignature by {self.name}") from None


@dataclass(frozen=True)
class Cosigner:
    """A witness's private key and name."""

    name: str
    key_id: int
    seed: bytes

    @classmethod
    def generate(cls, name: str) -> Cosigner:
        seed = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        return cls.from_seed(name, seed)

    @classmethod
    def from_seed(cls, name: str, seed: bytes) -> Cosigner:
        note.check_name(name)
        return cls(name, note.key_id(name, _public_bytes(seed), ALG_COSIGNATURE_V1), seed)

    @classmethod
    def parse(cls, skey: str) -> Cosigner:
        try:
            private, key, name, hexid, b64 = skey.strip().split("+", 4)
            raw = base64.b64decode(b64, validate=True)
            kid = int(hexid, 16)
        except (ValueError, binascii.Error):
            raise CosignatureError("malformed cosigner key") from None
        if (private, key) != ("PRIVATE", "KEY") or len(raw) != 33 or raw[0] != ALG_COSIGNATURE_V1:
            raise CosignatureError("not a tlog-cosignature/v1 Ed25519 private key")
        cosigner = cls.from_seed(name, raw[1:])
        if cosigner.key_id != kid:
            raise CosignatureError("cosigner key id does not match its key")
        return cosigner

    def __str__(self) -> str:
        raw = bytes([ALG_COSIGNATURE_V1]) + self.seed
        return f"PRIVATE+KEY+{self.name}+{self.key_id:08x}+{base64.b64encode(raw).decode()}"

    @property
    def verifier(self) -> CosignatureVerifier:
        return CosignatureVerifier(self.name, self.key_id, _public_bytes(self.seed))

    def cosign(self, body: str, timestamp: int) -> Cosignature:
        signature = Ed25519PrivateKey.from_private_bytes(self.seed).sign(message(body, timestamp))
        return Cosignature(self.name, self.key_id, timestamp, signature)


def append(signed_note: str, cosignature: Cosignature) -> str:
    """The note with one more signature line (a note's signature block is its last lines)."""
    note.split(signed_note)  # refuses what is not a signed note
    return signed_note + cosignature.line()


def cosignatures(signed_note: str, verifiers: list[CosignatureVerifier]) -> list[Cosignature]:
    """The cosignatures of a note by the given cosigners, each checked over the note's text.

    Lines by other keys (the log's own signature, unknown witnesses) are ignored; a line by one of
    `verifiers` that does not verify is an error, as note.open_note treats a known key.
    """
    text, signatures = note.split(signed_note)
    known = {(v.name, v.key_id): v for v in verifiers}
    found = []
    for sig in signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            continue
        cosignature = Cosignature.from_signature(sig)
        verifier.verify(text, cosignature)
        found.append(cosignature)
    return found

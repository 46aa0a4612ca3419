"""C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 keys, as Go's sumdb/note does.

A note is UTF-8 text ending in a newline, a blank line, then signature lines
"— <key name> <base64(4-byte key id || 64-byte signature)>". The key id is the first four bytes of
SHA-256(name || 0x0A || 0x01 || public key). Keys are written `name+hexkeyid+base64(0x01||key)`;
private keys `PRIVATE+KEY+name+hexkeyid+base64(0x01||seed)`.

A note may also carry signatures of other types (a witness's tlog-cosignature/v1, type 0x04, is 76
bytes: see cosignature.py) or by keys the reader does not know: `split` keeps every well-formed
line, whatever its length, and `open_note` ignores those it has no key for.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALG_ED25519 = 0x01
SIG_PREFIX = "\u2014 "  # em dash and a space
# Grease signatures: a name under the reserved .invalid domain that no verifier can trust.
GREASE_DOMAIN = ".grease.invalid"


class NoteError(ValueError):
    """A malformed note, key or signature, or a note no trusted key signed."""


def key_id(name: str, public_key: bytes, alg: int = ALG_ED25519) -> int:
    """The first four bytes of SHA-256(name || 0x0A || alg || public key), for any key type."""
    digest = hashlib.sha256(name.encode() + b"\n" + bytes([alg]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def check_name(name: str) -> None:
    if not name or "+" in name or any(ch.isspace() for ch in name):
        raise NoteError(f"invalid key name {name!r}")


@dataclass(frozen=True)
class Verifier:
    name: str
    key_id: int
    public_key: bytes

    @classmethod
    def parse(cls, vkey: str) -> Verifier:
        try:
            name, hexid, b64 = vkey.strip().split("+", 2)
            raw = base64.b64decode(b64, validate=True)
            kid = int(hexid, 16)
        except (ValueError, binascii.Error):
            raise NoteError("malformed verifier key") from None
        check_name(name)
        if len(hexid) != 8 or len(raw) != 33 or raw[0] != ALG_ED25519:
            raise NoteError("verifier key is not an Ed25519 key")
        if key_id(name, raw[1:]) != kid:
            raise NoteError("verifier key id does not match its key")
        return cls(name, kid, raw[1:])

    def __str__(self) -> str:
        raw = bytes([ALG_ED25519]) + self.public_key
        return f"{self.name}+{self.key_id:08x}+{base64.b64encode(raw).decode()}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class Signer:
    name: str
    key_id: int
    seed: bytes

    @classmethod
    def generate(cls, name: str) -> Signer:
        check_name(name)
        from cryptography.hazmat.primitives import serialization

        private = Ed25519PrivateKey.generate()
        seed = private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        return cls.from_seed(name, seed)

    @classmethod
    def from_seed(cls, name: str, seed: bytes) -> Signer:
        from cryptography.hazmat.primitives import serialization

        public = (
            Ed25519PrivateKey.from_private_bytes(seed)
            .public_key()
            .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        )
        return cls(name, key_id(name, public), seed)

    @classmethod
    def parse(cls, skey: str) -> Signer:
        try:
            private, key, name, hexid, b64 = skey.strip().split("+", 4)
            raw = base64.b64decode(b64, validate=True)
            kid = int(hexid, 16)
        except (ValueError, binascii.Error):
            raise NoteError("malformed signer key") from None
        if (private, key) != ("PRIVATE", "KEY") or len(raw) != 33 or raw[0] != ALG_ED25519:
            raise NoteError("signer key is not an Ed25519 private key")
        signer = cls.from_seed(name, raw[1:])
        if signer.key_id != kid:
            raise NoteError("signer key id does not match its key")
        return signer

    def __str__(self) -> str:
        raw = bytes([ALG_ED25519]) + self.seed
        return f"PRIVATE+KEY+{self.name}+{self.key_id:08x}+{base64.b64encode(raw).decode()}"

    @property
    def verifier(self) -> Verifier:
        from cryptography.hazmat.primitives import serialization

        public = (
            Ed25519PrivateKey.from_private_bytes(self.seed)
            .public_key()
            .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        )
        return Verifier(self.name, self.key_id, public)

    def sign(self, message: bytes) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(self.seed).sign(message)


@dataclass(frozen=True)
class Signature:
    name: str
    key_id: int
    signature: bytes


def sign(text: str, signers: list[Signer], *, grease: bool = False) -> str:
    """Sign note text (which must end in a newline) with each signer; `grease` puts a grease
    line (grease_line) before the signatures."""
    if not text.endswith("\n") or "\n\n" in text:
        raise NoteError("note text must end in a newline and contain no blank line")
    message = text.encode()
    lines = [grease_line()] if grease else []
    for signer in signers:
        blob = signer.key_id.to_bytes(4, "big") + signer.sign(message)
        lines.append(f"{SIG_PREFIX}{signer.name} {base64.b64encode(blob).decode()}\n")
    return text + "\n" + "".join(lines)


def signature_line(signature: Signature) -> str:
    """The note signature line of `signature`, as `split` read it."""
    blob = signature.key_id.to_bytes(4, "big") + signature.signature
    return f"{SIG_PREFIX}{signature.name} {base64.b64encode(blob).decode()}\n"


def grease_line() -> str:
    """A signature line of a random unknown key (random name, key id, length and bytes), as
    Sunlight adds to its checkpoints: appended to a signed note, it makes a verifier that fails to
    ignore unknown signatures fail on the first checkpoint, not on the day a witness cosigns."""
    name = f"{secrets.token_hex(4)}{GREASE_DOMAIN}"
    blob = secrets.token_bytes(4 + 32 + secrets.randbelow(97))  # 32 to 128 bytes of signature
    return f"{SIG_PREFIX}{name} {base64.b64encode(blob).decode()}\n"


def is_grease(signature: Signature) -> bool:
    return signature.name.endswith(GREASE_DOMAIN)


def split(note: str) -> tuple[str, list[Signature]]:
    """The signed text and the signatures of a note, without checking them."""
    cut = note.rfind("\n\n")
    if cut < 0 or not note.endswith("\n"):
        raise NoteError("not a signed note: no blank line before signatures")
    text, block = note[: cut + 1], note[cut + 2 :]
    signatures = []
    for line in block.splitlines():
        if not line.startswith(SIG_PREFIX):
            raise NoteError("malformed signature line")
        try:
            name, b64 = line[len(SIG_PREFIX) :].split(" ")
            blob = base64.b64decode(b64, validate=True)
        except (ValueError, binascii.Error):
            raise NoteError("malformed signature line") from None
        # A key id and at least one byte; the length a key type needs is its verifier's business
        # (an unknown key's signature of another type must not make the note unreadable).
        if len(blob) < 5:
            raise NoteError("signature line is too short")
        signatures.append(Signature(name, int.from_bytes(blob[:4], "big"), blob[4:]))
    if not signatures:
        raise NoteError("note has no signatures")
    return text, signatures


def open_note(note: str, verifiers: list[Verifier]) -> tuple[str, list[Verifier]]:
    """Verify a note: returns its text and the trusted keys that signed it (at least one).

    A signature by a known key that does not verify is an error, as in Go's note.Open; signatures by
    unknown keys are ignored.
    """
    text, signatures = split(note)
    known = {(v.name, v.key_id): v for v in verifiers}
    message = text.encode()
    good: list[Verifier] = []
    for sig in signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            continue
        if not verifier.verify(message, sig.signature):
            raise NoteError(f"invalid signature by {sig.name}+{sig.key_id:08x}")
        if verifier not in good:
            good.append(verifier)
    if not good:
        raise NoteError("no signature by a trusted key")
    return text, good

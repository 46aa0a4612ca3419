"""The signal-type registry: what a hash of each type looks like and how it is normalised.

Adding a type (e.g. video PDQ) means one `SignalType` entry here plus its code in
member_portal/feed/leaf.py; nothing else in the bank names types.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from hashbank.core.errors import DomainError
from hashbank.signals.errors import INVALID_VALUE, SignalErrorCode
from member_portal.feed import leaf as leaves

_HEX = re.compile(r"^[0-9a-f]+$")


class InvalidSignal(DomainError):
    code = SignalErrorCode.INVALID_SIGNAL


class RemovalReason(enum.Enum):
    WITHDRAWN = "withdrawn"
    DISPUTE_UPHELD = "dispute_upheld"
    STAFF_REMOVED = "staff_removed"
    SUSPENDED = "suspended"
    OTHER = "other"


@dataclass(frozen=True)
class SignalType:
    name: str
    hex_length: int
    has_quality: bool
    description: str

    @property
    def code(self) -> int:
        return leaves.SIGNAL_TYPE_CODES[self.name]

    def normalize(self, value: object, quality: object) -> tuple[str, int | None]:
        if not isinstance(value, str):
            raise InvalidSignal(
                f"a {self.name} value must be a string", code=INVALID_VALUE[self.name]
            )
        value = value.strip().lower()
        if len(value) != self.hex_length or not _HEX.match(value):
            raise InvalidSignal(
                f"a {self.name} value is {self.hex_length} hexadecimal characters",
                code=INVALID_VALUE[self.name],
            )
        if not self.has_quality:
            if quality is not None:
                raise InvalidSignal(
                    f"a {self.name} value has no quality", code=SignalErrorCode.INVALID_QUALITY
                )
            return value, None
        if quality is None and self.name == "pdq":
            raise InvalidSignal(
                "a pdq value needs its quality (0..100)", code=SignalErrorCode.INVALID_QUALITY
            )
        if quality is not None and (
            isinstance(quality, bool) or not isinstance(quality, int) or not 0 <= quality <= 100
        ):
            raise InvalidSignal(
                "quality is a whole number from 0 to 100", code=SignalErrorCode.INVALID_QUALITY
            )
        if self.name == "pdq":
            problem = degenerate_pdq(value)
            if problem:
                raise InvalidSignal(problem, code=SignalErrorCode.DEGENERATE_PDQ)
        return value, quality


# PDQ sets a bit for each of its 256 DCT coefficients above their median, so an image's hash has
# 128 bits set (fewer only with ties, in flat images of low quality). A hash far from that, or
# one made of a few repeated bytes, was not computed from an image: matched at distance 31 it
# would hit many unrelated images (a poisoning tool). The quality the client sends is asserted,
# never checked (the bank never sees the image), so it exempts nothing.
PDQ_POPCOUNT_SLACK = 32
PDQ_MIN_DISTINCT_BYTES = 4


def degenerate_pdq(value: str) -> str:
    """Why a 64-hex-digit PDQ value cannot have come from an image, or "" when it may have."""
    raw = bytes.fromhex(value)
    bits = int.from_bytes(raw, "big").bit_count()
    if abs(bits - 128) > PDQ_POPCOUNT_SLACK:
        return (
            f"a PDQ hash of an image has about 128 of its 256 bits set; this one has {bits}, "
            "so it carries too little information to match on"
        )
    if len(set(raw)) < PDQ_MIN_DISTINCT_BYTES or any(
        raw == raw[period:] + raw[:period] for period in (1, 2, 4, 8)
    ):
        return "a PDQ hash made of a short repeated pattern carries too little information"
    return ""


REGISTRY: dict[str, SignalType] = {
    t.name: t
    for t in (
        SignalType("pdq", 64, True, "PDQ perceptual hash of an image (256 bits) with its quality"),
        SignalType("md5", 32, False, "MD5 of the file's bytes, exact match (images and videos)"),
        SignalType(
            "phash", 16, False, "64-bit perceptual hash as computed by the imagehash package"
        ),
    )
}


def get(signal_type: object) -> SignalType:
    if not isinstance(signal_type, str) or signal_type not in REGISTRY:
        raise InvalidSignal(
            f"unknown signal type; use one of {', '.join(REGISTRY)}",
            code=SignalErrorCode.INVALID_SIGNAL_TYPE,
        )
    return REGISTRY[signal_type]


def normalize(
    signal_type: object, value: object, quality: object = None
) -> tuple[str, str, int | None]:
    """Validate one hash strictly; returns (type, lower-case value, quality)."""
    kind = get(signal_type)
    value, quality = kind.normalize(value, quality)
    return kind.name, value, quality

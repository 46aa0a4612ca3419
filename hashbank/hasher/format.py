"""Server side of the offline hash file: strict parsing, with errors the API maps to JSON 400s.

    entries = parse_hash_file(pasted.encode())   # list[dict], or raises HashFileError

Each entry is {"kind": "other", "md5"} or {"kind": "image", "md5", "error"} (undecodable image)
or {"kind": "image", "md5", "pdq", "quality", "phash", "orientation"} plus, when orientation is
not 1, {"pdq_oriented", "quality_oriented", "phash_oriented"}, and for 16-bit grey
{"pdq_clipped", "quality_clipped"}. The format: docs/offline-hasher.md.
"""

from __future__ import annotations

from hashbank.core.errors import DomainError
from hashbank.hasher.document import MAX_FILES, InvalidHashFile, validate
from hashbank.hasher.errors import HashFileErrorCode

__all__ = ["MAX_FILES", "HashFileError", "parse_hash_file", "signals_from_entries"]

LOW_QUALITY = 50


class HashFileError(DomainError):
    """A hash file (pasted as text) is not exactly the documented format; `code` says how."""

    code = HashFileErrorCode.INVALID_HASH_FILE
    status = 400


def parse_hash_file(data: bytes) -> list[dict]:
    """Validate the bytes of a hash file (the pasted text) strictly and return its entries."""
    try:
        return validate(data)
    except InvalidHashFile as exc:
        raise HashFileError(
            exc.message, code=HashFileErrorCode(exc.code), detail=exc.detail
        ) from None


def signals_from_entries(entries: list[dict]) -> list[dict]:
    """The signals a case would hold for these entries: every MD5; each PDQ of quality >= 50.

    Returns [{"signal_type": "md5" | "pdq", "value": ..., "quality": int | None}], without
    duplicates, in file order. pHash is carried in the file for members' tools, not published.
    """
    seen: set[tuple[str, str]] = set()
    out: list[dict] = []

    def add(signal_type: str, value: str, quality: int | None) -> None:
        if (signal_type, value) not in seen:
            seen.add((signal_type, value))
            out.append({"signal_type": signal_type, "value": value, "quality": quality})

    for entry in entries:
        add("md5", entry["md5"], None)
        for pdq_key, quality_key in (
            ("pdq", "quality"),
            ("pdq_oriented", "quality_oriented"),
            ("pdq_clipped", "quality_clipped"),
        ):
            if pdq_key in entry and entry[quality_key] >= LOW_QUALITY:
                add("pdq", entry[pdq_key], entry[quality_key])
    return out

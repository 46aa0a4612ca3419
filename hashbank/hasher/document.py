"""The offline hash file (docs/offline-hasher.md): building it and validating it strictly.

Pure: standard library only, so the offline hasher runs without Django. The server-side entry
point, which raises a DomainError, is `hashbank.hasher.format.parse_hash_file`.
"""

from __future__ import annotations

import json
import re
from typing import Any

FORMAT = "hashbank-hashes"
VERSION = 1
MAX_BYTES = 1024 * 1024
MAX_FILES = 1000

_HEX_LENGTH = {"md5": 32, "pdq": 64, "phash": 16}
_HEX = {kind: re.compile(f"[0-9a-f]{{{n}}}") for kind, n in _HEX_LENGTH.items()}
_TOP_KEYS = {"format", "version", "generator", "files"}
_IMAGE_KEYS = {"kind", "md5", "pdq", "quality", "phash", "orientation"}
_ORIENTED_KEYS = {"pdq_oriented", "quality_oriented", "phash_oriented"}
_DECODE_ERRORS = {"image_decode_failed"}


class InvalidHashFile(ValueError):
    """The bytes are not a valid hash file. `code` is stable and machine-readable."""

    def __init__(self, code: str, message: str, detail: dict | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.detail = detail


def build(entries: list[dict], generator: str) -> dict:
    """The document for a list of per-file entries (as `hashing.hash_path` returns them)."""
    return {"format": FORMAT, "version": VERSION, "generator": generator, "files": entries}


def dumps(document: dict) -> bytes:
    return (json.dumps(document, indent=2, sort_keys=False) + "\n").encode("utf-8")


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise InvalidHashFile("hash_file_not_json", "The file repeats a key.")
    return dict(pairs)


def _reject_constant(name: str) -> None:
    raise InvalidHashFile(
        "hash_file_not_json", f"The file contains {name}, which JSON does not allow."
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_hex(entry: dict, key: str, kind: str, index: int) -> None:
    value = entry[key]
    if not isinstance(value, str) or not _HEX[kind].fullmatch(value):
        raise InvalidHashFile(
            f"invalid_{kind}",
            f"File {index + 1}: {key} must be {_HEX_LENGTH[kind]} lowercase hexadecimal digits.",
            {"file": index, "field": key},
        )


def _check_int(entry: dict, key: str, low: int, high: int, code: str, index: int) -> None:
    value = entry[key]
    if not _is_int(value) or not low <= value <= high:
        raise InvalidHashFile(
            code,
            f"File {index + 1}: {key} must be a whole number from {low} to {high}.",
            {"file": index, "field": key},
        )


def _check_entry(entry: Any, index: int) -> dict:
    where = {"file": index}
    if not isinstance(entry, dict):
        raise InvalidHashFile("invalid_hash_entry", f"File {index + 1} is not an object.", where)
    kind = entry.get("kind")
    if kind not in ("image", "other"):
        raise InvalidHashFile(
            "invalid_hash_entry", f"File {index + 1}: kind must be 'image' or 'other'.", where
        )
    if "md5" not in entry:
        raise InvalidHashFile("invalid_hash_entry", f"File {index + 1} has no md5.", where)
    allowed = {"kind", "md5"}
    if kind == "image":
        allowed = _IMAGE_KEYS | _ORIENTED_KEYS | {"error"}
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise InvalidHashFile(
            "hash_file_unknown_field",
            f"File {index + 1} has a field this format does not have: {unknown[0]}.",
            {"file": index, "field": unknown[0]},
        )
    _check_hex(entry, "md5", "md5", index)
    if kind == "other":
        return {"kind": "other", "md5": entry["md5"]}
    if "error" in entry:
        if entry["error"] not in _DECODE_ERRORS or set(entry) != {"kind", "md5", "error"}:
            raise InvalidHashFile(
                "invalid_hash_entry",
                f"File {index + 1}: an image that could not be decoded has only kind, md5 and error.",
                where,
            )
        return {"kind": "image", "md5": entry["md5"], "error": entry["error"]}
    missing = sorted({"pdq", "quality", "phash", "orientation"} - set(entry))
    if missing:
        raise InvalidHashFile(
            "invalid_hash_entry",
            f"File {index + 1} has no {missing[0]}.",
            {**where, "field": missing[0]},
        )
    _check_hex(entry, "pdq", "pdq", index)
    _check_hex(entry, "phash", "phash", index)
    _check_int(entry, "quality", 0, 100, "invalid_quality", index)
    _check_int(entry, "orientation", 1, 8, "invalid_orientation", index)
    oriented = set(entry) & _ORIENTED_KEYS
    if (entry["orientation"] == 1 and oriented) or (
        entry["orientation"] != 1 and oriented != _ORIENTED_KEYS
    ):
        raise InvalidHashFile(
            "invalid_hash_entry",
            f"File {index + 1}: the oriented hashes must be present exactly when orientation is not 1.",
            where,
        )
    if oriented:
        _check_hex(entry, "pdq_oriented", "pdq", index)
        _check_hex(entry, "phash_oriented", "phash", index)
        _check_int(entry, "quality_oriented", 0, 100, "invalid_quality", index)
    return {
        k: entry[k]
        for k in ("kind", "md5", "pdq", "quality", "phash", "orientation", *sorted(oriented))
    }


def validate(data: bytes) -> list[dict]:
    """Parse and check a hash file; return its entries (normalised copies) or raise InvalidHashFile."""
    if not isinstance(data, bytes | bytearray):
        raise InvalidHashFile("hash_file_not_json", "The hash file must be given as bytes.")
    if len(data) > MAX_BYTES:
        raise InvalidHashFile("hash_file_too_large", "The hash file is larger than 1 MB.")
    try:
        text = bytes(data).decode("utf-8")
        doc = json.loads(
            text, object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant
        )
    except InvalidHashFile:
        raise
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InvalidHashFile("hash_file_not_json", "This is not a hash file (not JSON).") from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise InvalidHashFile(
            "hash_file_wrong_format",
            "This is not a hashbank hash file. Make it with: python -m hashbank.hasher FILE...",
        )
    if doc.get("version") != VERSION or not _is_int(doc.get("version")):
        raise InvalidHashFile(
            "hash_file_unsupported_version", f"Only version {VERSION} hash files are accepted."
        )
    unknown = sorted(set(doc) - _TOP_KEYS)
    if unknown:
        raise InvalidHashFile(
            "hash_file_unknown_field",
            f"The hash file has a field this format does not have: {unknown[0]}.",
            {"field": unknown[0]},
        )
    if "generator" in doc and (
        not isinstance(doc["generator"], str) or len(doc["generator"]) > 100
    ):
        raise InvalidHashFile(
            "invalid_hash_entry", "generator must be a short text.", {"field": "generator"}
        )
    files = doc.get("files")
    if not isinstance(files, list) or not files:
        raise InvalidHashFile("hash_file_empty", "The hash file lists no files.")
    if len(files) > MAX_FILES:
        raise InvalidHashFile(
            "hash_file_too_many", f"A hash file may list at most {MAX_FILES} files."
        )
    return [_check_entry(entry, i) for i, entry in enumerate(files)]

"""The one strict JSON decoder for bodies from outside: UTF-8 only, no duplicate keys, bounded
nesting. Pure: standard library only (the DRF parser and `json_body` both call it).

`json.loads` of bytes guesses UTF-16 and UTF-32 from the first bytes, keeps the last of two equal
keys (`{"adult": false, "adult": true}` reads as true) and recurses once per level of nesting (a
body of 100,000 `[` is a RecursionError, which no view expects). Here each of those is a
`JSONRefused` naming why, so a caller answers a 4xx with a code.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Deeper than any body of ours (a submission is three levels); far below the recursion limit.
MAX_DEPTH = 32
# Strings removed before counting brackets, so that "[[[" inside a string is not nesting.
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[^\[\]{}]+")


class JSONRefused(ValueError):
    """The body is not JSON this bank reads; `reason` is "not_utf8", "duplicate_key", "too_deep"
    or "malformed"."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def loads(data: bytes | str) -> Any:
    """The JSON value of `data`, or JSONRefused."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    try:
        text = bytes(data).decode("utf-8")
    except UnicodeDecodeError:
        raise JSONRefused("not_utf8", "The body is not UTF-8 text.") from None
    if text.startswith("\ufeff"):
        raise JSONRefused("not_utf8", "The body starts with a byte order mark; send plain UTF-8.")
    _check_depth(data)
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except JSONRefused:
        raise
    except (ValueError, RecursionError):
        raise JSONRefused("malformed", "The body is not valid JSON.") from None


def _check_depth(data: bytes) -> None:
    if data.count(b"[") + data.count(b"{") <= MAX_DEPTH:
        return  # the common case: too few brackets to be too deep, nothing to scan
    depth = deepest = 0
    for byte in _BRACKETS.sub(b"", _STRING.sub(b"", data)):
        if byte in b"[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                raise JSONRefused("too_deep", f"The body nests deeper than {MAX_DEPTH} levels.")
        else:
            depth -= 1


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        duplicate = next(key for key, _ in pairs if key in seen or seen.add(key))
        raise JSONRefused("duplicate_key", f"The field {duplicate[:40]!r} appears twice.")
    return result


def _no_constant(name: str) -> Any:
    raise JSONRefused("malformed", f"{name} is not JSON.")

"""Whole numbers from text that came from outside (query parameters, path segments, headers,
form fields): ASCII digits only, with a bound on their length.

`str.isdigit()` is true for `¹` and `①`, which `int()` refuses (a ValueError that became a 500),
`int()` itself reads Arabic-Indic and other Unicode digits, and a value of more than 4,300 digits
is a ValueError too (Python's limit on int parsing). None of these is a number a client of ours
sends. Pure: standard library only.
"""

from __future__ import annotations

import re

# 18 digits stay below 2**63: a value that fits a BigIntegerField and every Python API here.
MAX_DIGITS = 18
_ASCII_DIGITS = re.compile(r"[0-9]+", re.ASCII)


def parse_whole(raw: object, *, max_digits: int = MAX_DIGITS) -> int | None:
    """`raw` as a non-negative int when it is 1 to `max_digits` ASCII digits, else None."""
    if not isinstance(raw, str) or not 0 < len(raw) <= max_digits:
        return None
    if _ASCII_DIGITS.fullmatch(raw) is None:
        return None
    return int(raw)

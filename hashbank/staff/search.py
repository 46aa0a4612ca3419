"""The console's one search box, read: a case number (whole or its start) or a hash value.

Pure: no database. `parse` says what the caseworker typed; the view runs it through the cases and
signals selectors. Hash values are never logged (they identify a person's images).

    HB-7KQ4-M2XD, hb7kq4m2xd      the case (whole number)
    HB-7KQ, 7KQ4                  cases whose number starts so ("HB" may be left out)
    <32 hex>                      MD5, exact
    <64 hex>                      PDQ, exact (or within the distance field)
    pdq:<64 hex>~31, <64 hex>~31  PDQ within 31 bits
    md5:<hex>, phash:<16 hex>     the type named explicitly
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from hashbank.cases import pins
from hashbank.signals.types import REGISTRY

_HASH = re.compile(r"^(?:(?P<type>[a-z0-9]+):)?(?P<value>[0-9a-f]+)(?:~(?P<distance>\d{1,3}))?$")
_BY_LENGTH = {kind.hex_length: name for name, kind in REGISTRY.items()}


class SearchError(ValueError):
    """What was typed is neither a case number nor a hash; the message says what is expected."""


@dataclass(frozen=True)
class Search:
    kind: str  # "case" (whole number), "prefix" (start of a number) or "hash"
    number: str = ""  # normalised: the whole number, or its start with "HB"
    signal_type: str = ""
    value: str = ""
    distance: int | None = None


def _hash(text: str, distance: int | None) -> Search | None:
    match = _HASH.match(text.lower())
    if not match:
        return None
    value = match["value"]
    signal_type = match["type"] or _BY_LENGTH.get(len(value), "")
    if match["type"] is None and not signal_type:
        return None  # short hex: the start of a case number
    if signal_type not in REGISTRY:
        raise SearchError(
            _("Unknown hash type %(type)s; use %(types)s.")
            % {"type": repr(signal_type), "types": ", ".join(REGISTRY)}
        )
    if len(value) != REGISTRY[signal_type].hex_length:
        raise SearchError(
            _("A %(type)s hash is %(length)s hexadecimal characters.")
            % {"type": signal_type, "length": REGISTRY[signal_type].hex_length}
        )
    if match["distance"] is not None:
        distance = int(match["distance"])
    return Search("hash", signal_type=signal_type, value=value, distance=distance)


def parse(text: str, *, distance: str = "") -> Search:
    """What the caseworker typed; `distance` is the form's distance field (PDQ only)."""
    text = (text or "").strip()
    if not text or len(text) > 200:
        raise SearchError(_("Type a case number (or its start), or an MD5 or PDQ hash."))
    field = None
    if distance.strip():
        if not distance.strip().isdigit():
            raise SearchError(_("The distance is a whole number of bits, such as 31."))
        field = int(distance.strip())
    found = _hash(text.replace(" ", ""), field)
    if found is not None:
        if found.distance is not None and found.signal_type != "pdq":
            raise SearchError(_("Only PDQ hashes are matched within a distance."))
        return found
    whole = pins.normalize_case_number(text)
    if whole is not None:
        return Search("case", number=whole)
    start = re.sub(r"[\s\-]", "", text).upper().replace("O", "0").replace("I", "1")
    start = start.replace("L", "1")
    if not start.startswith(pins.NUMBER_PREFIX):
        start = pins.NUMBER_PREFIX + start
    body = start[len(pins.NUMBER_PREFIX) :]
    if not body or len(start) > 10 or any(c not in pins.NUMBER_ALPHABET for c in body):
        raise SearchError(
            _(
                "That is neither a case number nor a hash. Case numbers look like HB-7KQ4-M2XD "
                "(type all of it or its start); MD5 hashes have 32 hexadecimal characters, PDQ 64."
            )
        )
    return Search("prefix", number=start)

"""The verifier's state of a mirrored log between syncs (MirroredLog.verified_state): the compact
range and the active set (member_portal.feed's own types) at `verified_size`, as JSON. Every field
of the active set is kept, its tiers included: a catch-up that resumes across a tier entry must
fold the next remove of that signal with the tier it has."""

from __future__ import annotations

import base64

from member_portal.feed import merkle
from member_portal.feed.activeset import ActiveSet
from member_portal.feed.lthash import LtHash
from member_portal.feed.setdigest import SetDigest


def dump(compact: merkle.CompactRange, active: ActiveSet) -> dict:
    return {
        "size": compact.size,
        "compact": base64.b64encode(compact.to_bytes()).decode(),
        "lthash_count": active.lthash.count,
        "lthash": base64.b64encode(active.lthash.to_bytes()).decode(),
        "legacy": None
        if active.legacy is None
        else [active.legacy.count, format(active.legacy.total, "x")],
        "ends_with_state": active.ends_with_state,
        "tiers": {str(seq): basis for seq, basis in active.tiers.items()},
    }


def load(data: dict) -> tuple[merkle.CompactRange, ActiveSet]:
    if not data:
        return merkle.CompactRange(), ActiveSet()
    compact = merkle.CompactRange.from_bytes(data["size"], base64.b64decode(data["compact"]))
    lthash = LtHash.from_bytes(data["lthash_count"], base64.b64decode(data["lthash"]))
    legacy = data["legacy"]
    digest = None if legacy is None else SetDigest(legacy[0], int(legacy[1], 16))
    tiers = {int(seq): basis for seq, basis in data.get("tiers", {}).items()}
    return compact, ActiveSet(lthash, digest, data["ends_with_state"], tiers)

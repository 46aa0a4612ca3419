"""What a verifier knows of a log's active set, across the switch to state commitments.

A log starts with the additive digest (setdigest.py, checkpoints' `active` line) and switches,
at its first state entry, to the LtHash16 state commitment (lthash.py, state entries and the
`state` line). A verifier keeps the LtHash state from the start (so it can check the first state
entry) and the additive digest only until the switch. docs/feed-format.md 3.1.

It also keeps the review tiers it was told of (tier entries, or a v3 snapshot's records): the
basis code of every active signal whose tier was set since its add, by the seq of that add, as the
state commitment covers them (lthash.tier_element). Signals not in `tiers` are unreviewed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from member_portal.feed.leaf import NO_BASIS, tier_of
from member_portal.feed.lthash import LtHash
from member_portal.feed.setdigest import SetDigest


@dataclass
class ActiveSet:
    lthash: LtHash = field(default_factory=LtHash)
    # The additive digest while the log has not switched; None from its first state entry on.
    legacy: SetDigest | None = field(default_factory=SetDigest)
    # Whether the tree's last entry is a state entry (every checkpoint after the switch ends so).
    ends_with_state: bool = False
    # add seq -> basis code of its latest tier entry (member_portal/feed/leaf.py), nonzero only.
    tiers: dict[int, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return self.lthash.count

    @property
    def switched(self) -> bool:
        return self.legacy is None

    def digest(self) -> bytes:
        """The digest a checkpoint of this set carries: the commitment after the switch, the
        additive digest before it."""
        return self.lthash.digest() if self.legacy is None else self.legacy.digest()

    def copy(self) -> ActiveSet:
        legacy = None if self.legacy is None else SetDigest(self.legacy.count, self.legacy.total)
        return ActiveSet(self.lthash.copy(), legacy, self.ends_with_state, dict(self.tiers))

    def tier(self, add_seq: int) -> str:
        """The review tier of the signal added by entry `add_seq` (unreviewed unless told)."""
        return tier_of(self.tiers.get(add_seq, NO_BASIS))

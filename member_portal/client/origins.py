"""One verified state per origin: the carrier bank's own log in the state file (as always), and
every other origin it carries in `<state file>.origins/<origin id>.sqlite`, each a full Store.

Trust, per origin (docs/member-guide.md, "Origins"):
- the carrier's signed origins list (member_portal/feed/origins.py) is checked with the keys of
  the carrier's root document, which the member already trusts;
- a new origin's first root document is the member's pin for it (`--pin-root`), else the
  `root_document` the carrier serves, which must be the anchor the signed list names;
- from then on only that origin's own root chain (rootdoc.verify_chain) changes its keys, and its
  checkpoints and entries are verified with its keys (and its pinned witness policy, if any),
  never the carrier's word. An origin whose data fails verification is frozen locally at its
  last good state; every other origin keeps syncing.

Freshness: an origin that stops producing freshly witnessed checkpoints can no longer deliver
withdrawals. Its matches are review-only once its newest verified checkpoint is `review_after`
old (72 h), and it is not matched at all once `off_after` old (30 days).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from member_portal.client.bank import Bank, BankError
from member_portal.client.store import Store
from member_portal.client.sync import ClientError, SyncResult, sync
from member_portal.feed import origins as origins_list
from member_portal.feed import rootdoc
from member_portal.feed.origins import as_origin_id, origin_id
from member_portal.feed.policy import Policy
from member_portal.verify import VerificationError

REVIEW_AFTER = 72 * 3600
OFF_AFTER = 30 * 86400
FRESH, REVIEW, OFF = "fresh", "review", "off"


@dataclass(frozen=True)
class Freshness:
    review_after: int = REVIEW_AFTER
    off_after: int = OFF_AFTER

    def __post_init__(self) -> None:
        if not 0 < self.review_after <= self.off_after:
            raise ClientError("freshness: need 0 < review-after <= off-after (in seconds)")

    def verdict(self, checkpoint_time: int | None, now: int) -> str:
        """fresh, review (matches are review-only) or off (not matched)."""
        if checkpoint_time is None:
            return OFF
        age = now - checkpoint_time
        if age >= self.off_after:
            return OFF
        return REVIEW if age >= self.review_after else FRESH


@dataclass(frozen=True)
class OriginFilter:
    """`--origins`: comma-separated origins (or origin ids) to allow; an item starting with `!`
    denies that origin. With any allowed item, only those are allowed; denials always win."""

    allow: frozenset[str] = field(default_factory=frozenset)
    deny: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def parse(cls, text: str | None) -> OriginFilter:
        allow, deny = set(), set()
        for item in (text or "").split(","):
            item = item.strip()
            if item.startswith("!"):
                if not item[1:].strip():
                    raise ClientError("--origins: `!` must be followed by an origin")
                deny.add(as_origin_id(item[1:].strip()))
            elif item:
                allow.add(as_origin_id(item))
        return cls(frozenset(allow), frozenset(deny))

    def allows(self, origin: str) -> bool:
        oid = origin_id(origin)
        if oid in self.deny:
            return False
        return not self.allow or oid in self.allow


def origins_dir(state_path: Path) -> Path:
    return Path(f"{state_path}.origins")


def origin_store_path(state_path: Path, oid: str) -> Path:
    return origins_dir(state_path) / f"{oid}.sqlite"


def other_origin_paths(state_path: Path) -> list[Path]:
    """The state files of the carried origins synced so far (not the carrier's)."""
    directory = origins_dir(state_path)
    return sorted(directory.glob("*.sqlite")) if directory.is_dir() else []


@dataclass
class OriginOutcome:
    origin: str
    id: str
    local: bool
    result: SyncResult | None = None
    error: str = ""
    frozen: bool = False
    frozen_reason: str = ""
    skipped: str = ""  # why it was not synced (not allowed, frozen by this client)

    def as_dict(self) -> dict:
        return {
            "origin": self.origin,
            "id": self.id,
            "local": self.local,
            "synced": self.result.as_dict() if self.result else None,
            "error": self.error,
            "frozen": self.frozen,
            "frozen_reason": self.frozen_reason,
            "skipped": self.skipped,
        }


def carried_origins(
    bank: Bank, carrier: rootdoc.RootDocument
) -> tuple[list[dict], origins_list.OriginsList | None]:
    """The carrier's origins and its signed list, checked with the carrier's trusted keys. A bank
    from before origins existed (no /api/v1/origins) carries only itself: ([], None)."""
    try:
        body = bank.origins()
    except BankError as exc:
        if exc.status == 404 and exc.code in ("", "not_found"):
            return [], None
        raise
    try:
        listed = origins_list.verify(body["signed_list"], list(carrier.keys))
    except (origins_list.OriginsError, KeyError, TypeError) as exc:
        raise VerificationError(f"the carrier's origins list: {exc}") from None
    if listed.carrier != carrier.origin:
        raise VerificationError("the origins list names another carrier")
    return list(body.get("origins") or []), listed


def anchor_for(
    info: dict, listed: origins_list.OriginsList, pins: dict[str, str]
) -> tuple[str, str]:
    """(root document, how it is trusted) for an origin this client has never synced."""
    oid = info["id"]
    if oid in pins:
        return pins[oid], "pin"
    entry = listed.entry(oid)
    text = info.get("root_document") or ""
    if entry is None or not entry.anchors(text):
        raise VerificationError("its root document is not the anchor the signed list names")
    return text, "list"


def sync_origin(
    store: Store,
    bank: Bank,
    info: dict,
    listed: origins_list.OriginsList,
    *,
    pins: dict[str, str],
    policy: Policy | None,
) -> OriginOutcome:
    """Sync one carried (non-local) origin into its own store, verified with its own keys."""
    outcome = OriginOutcome(info["origin"], info["id"], False)
    meta = store.origin_meta()
    if meta["frozen_by"] == "client":
        outcome.frozen, outcome.frozen_reason = True, meta["frozen_reason"]
        outcome.skipped = "frozen by this client"
        return outcome
    if listed.entry(info["id"]) is None or info["id"] != origin_id(info["origin"]):
        outcome.error = "not in the carrier's signed origins list"
        return outcome
    anchor_text, anchored_by = None, meta["anchored_by"]
    try:
        if store.load() is None:
            anchor_text, anchored_by = anchor_for(info, listed, pins)
            if rootdoc.parse(anchor_text).origin != info["origin"]:
                raise VerificationError("its root document is for another origin")
        outcome.result = sync(
            store,
            bank.at_origin(info["id"]),
            root_text=anchor_text,
            policy=policy,
            acknowledge=False,  # a sync position is the member's position in the carrier's log
        )
    except (VerificationError, rootdoc.RootError) as exc:
        # Entries or checkpoints that do not fit: keep the last good state, stop following it.
        reason = f"verification failed: {exc}"
        store.set_origin_meta(frozen_by="client", frozen_reason=reason)
        outcome.frozen, outcome.frozen_reason, outcome.error = True, reason, reason
        return outcome
    except BankError as exc:
        outcome.error = str(exc)  # down or refusing: matching goes on at the last state
        return outcome
    if info.get("frozen"):
        frozen_by, reason = "carrier", info.get("frozen_reason") or "frozen by the carrier"
    else:
        frozen_by, reason = "", ""
    store.set_origin_meta(anchored_by=anchored_by, frozen_by=frozen_by, frozen_reason=reason)
    outcome.frozen, outcome.frozen_reason = bool(frozen_by), reason
    return outcome


def sync_carried(
    state_path: Path,
    carrier: rootdoc.RootDocument,
    bank: Bank,
    *,
    only: OriginFilter,
    pins: dict[str, str],
    policies: dict[str, Policy],
) -> list[OriginOutcome]:
    """After the carrier's own sync: every other origin it carries that `only` allows, trusted
    through the carrier's verified root document `carrier`."""
    infos, listed = carried_origins(bank, carrier)
    outcomes = []
    for info in infos:
        if info.get("local"):
            continue
        if not only.allows(info["origin"]):
            outcomes.append(OriginOutcome(info["origin"], info["id"], False, skipped="not allowed"))
            continue
        path = origin_store_path(state_path, origin_id(info["origin"]))
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with Store(path) as store:
            outcomes.append(
                sync_origin(store, bank, info, listed, pins=pins, policy=policies.get(info["id"]))
            )
    return outcomes


def now() -> int:
    return int(time.time())

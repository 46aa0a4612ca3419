"""Reads: who applied what. A member at applied position S (the largest checkpoint size it
acknowledged or receipted) has applied every entry with a sequence number below S, so it applied
a hash's add entry `a` when S > a and its remove entry `r` when S > r.

"Platforms" are the active members (and, once members have a `kind`, only those whose kind is
"platform": a peer bank is not one). Members are read through the foreign key's model, never by
importing the member apps. Names are shown only of members that agreed to be named publicly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Min, QuerySet

from hashbank.ledger import selectors as ledger
from hashbank.receipts import storage
from hashbank.receipts.models import Acknowledgement, AppliedPosition, OriginPosition, ReceiptKey
from member_portal.feed import cosignature, note, proof


def _member_model():
    return AppliedPosition._meta.get_field("member").related_model


def platforms() -> QuerySet:
    """The members that count as participating platforms: active ones, of kind "platform" when
    the member model has a kind."""
    members = _member_model().objects.filter(status="active")
    if any(f.name == "kind" for f in _member_model()._meta.get_fields()):
        members = members.filter(kind="platform")
    return members


def position(member) -> AppliedPosition | None:
    return storage.position(member.pk)


def receipt_keys(member) -> list[ReceiptKey]:
    return list(ReceiptKey.objects.filter(member=member).order_by("-created_at", "-pk"))


def vkey(key: ReceiptKey) -> str:
    """The key as a verifier key, `name+hexkeyid+base64(0x04 || key)`."""
    return str(cosignature.CosignatureVerifier(key.name, key.key_id, bytes(key.public_key)))


@dataclass(frozen=True)
class Applied:
    """How many of `total` platforms applied a hash's add, and (when it was removed) its removal;
    `named_*` are the publicly named ones among them."""

    total: int
    added: int
    removed: int | None = None  # None: the hash is not removed
    named_added: tuple[str, ...] = ()
    named_removed: tuple[str, ...] = ()

    @property
    def removal_pending(self) -> int:
        return 0 if self.removed is None else self.total - self.removed


def _platform_rows() -> list[tuple[str, bool, int | None]]:
    """(name, named publicly, applied size or None) of every platform."""
    return list(platforms().values_list("name", "named_publicly", "applied_position__size"))


def applied_for_signals(signals) -> dict[int, Applied]:
    """signal id -> Applied, for signals (hashbank.signals' Signal rows) of one case or page."""
    signals = list(signals)
    rows = _platform_rows()
    removals = ledger.removal_entries([s.pk for s in signals if s.state == "removed"])
    result: dict[int, Applied] = {}
    for signal in signals:
        add = signal.add_seq
        added = [
            (n, p) for n, p, size in rows if add is not None and size is not None and size > add
        ]
        removal = removals.get(signal.pk)
        removed = None
        if removal is not None:
            removed = [(n, p) for n, p, size in rows if size is not None and size > removal[0]]
        result[signal.pk] = Applied(
            total=len(rows),
            added=len(added),
            removed=None if removed is None else len(removed),
            named_added=tuple(sorted(n for n, p in added if p)),
            named_removed=tuple(sorted(n for n, p in removed or () if p)),
        )
    return result


@dataclass(frozen=True)
class MemberApplied:
    """For staff: one member, and when it first said it applied a hash's add and its removal."""

    slug: str
    name: str
    added_at: datetime | None
    removed_at: datetime | None
    receipted: bool  # the removal (else the add) is covered by a signed receipt


def _first_past(seq: int | None) -> dict[int, tuple[datetime, bool]]:
    if seq is None:
        return {}
    rows = (
        Acknowledgement.objects.filter(size__gt=seq)
        .values("member_id")
        .annotate(first=Min("at"), receipt=Min("key_id"))
    )
    return {r["member_id"]: (r["first"], r["receipt"] is not None) for r in rows}


def members_applied(signal) -> list[MemberApplied]:
    """Every platform and when it applied `signal`'s add and its latest removal, for the case page."""
    removal = ledger.removal_entries([signal.pk]).get(signal.pk)
    adds = _first_past(signal.add_seq)
    removes = _first_past(removal[0]) if removal else {}
    found = []
    for pk, slug, name in platforms().order_by("slug").values_list("pk", "slug", "name"):
        added, removed = adds.get(pk), removes.get(pk)
        found.append(
            MemberApplied(
                slug,
                name,
                added[0] if added else None,
                removed[0] if removed else None,
                bool((removed or added or (None, False))[1]),
            )
        )
    return found


@dataclass(frozen=True)
class Behind:
    """A platform that has not applied the removal sealed at `since` (the oldest it misses)."""

    slug: str
    name: str
    applied_size: int | None
    since: datetime


def behind_on_removals(now: datetime | None = None) -> list[Behind]:
    """Platforms that have not applied every removal yet, longest behind first."""
    rows = platforms().values_list("slug", "name", "applied_position__size")
    oldest: dict[int, datetime | None] = {}
    behind = []
    for slug, name, size in rows:
        start = size or 0
        if start not in oldest:
            first = ledger.removals_from(start, 1)
            oldest[start] = first[0][1] if first else None
        if oldest[start] is not None:
            behind.append(Behind(slug, name, size, oldest[start]))
    return sorted(behind, key=lambda b: (b.since, b.slug))


def max_retention() -> timedelta:
    return timedelta(days=settings.HASHBANK_PURGE_MAX_RETENTION_DAYS)


def held_for_purge(signals, now: datetime) -> set[int]:
    """The ids among removed `signals` whose value someone may still need: a platform has not
    applied its removal yet (a member without a position has applied nothing), and the maximum
    retention since its removal has not passed."""
    signals = list(signals)
    if not signals:
        return set()
    sizes = [size for (size,) in platforms().values_list("applied_position__size")]
    if not sizes:
        return set()
    floor = min(size or 0 for size in sizes)
    removals = ledger.removal_entries([s.pk for s in signals])
    cap = now - max_retention()
    return {
        s.pk
        for s in signals
        if s.pk in removals
        and removals[s.pk][0] >= floor
        and (s.removed_at is None or s.removed_at > cap)
    }


def held_for_facade(origin_id: str, holds, now: datetime) -> set[int]:
    """The ids among a mirrored origin's facade `holds` (rows with `removed_seq` and `held_at`)
    whose value a platform reading that origin's StopNCII facade may still need: one has not
    applied past the removal (its facade position is at most the remove entry's seq), and the
    maximum retention since the mirror blanked it has not passed. Platforms that never read that
    facade hold nothing: they never got the value from it."""
    holds = list(holds)
    sizes = list(
        OriginPosition.objects.filter(origin_id=origin_id, member__in=platforms()).values_list(
            "size", flat=True
        )
    )
    if not holds or not sizes:
        return set()
    floor = min(sizes)
    cap = now - max_retention()
    return {h.pk for h in holds if h.removed_seq >= floor and h.held_at > cap}


def origin_position(member, origin_id: str) -> OriginPosition | None:
    return OriginPosition.objects.filter(member=member, origin_id=origin_id).first()


def removal_proof(signal) -> str | None:
    """A C2SP tlog-proof (member_portal/feed/proof.py) of `signal`'s latest remove entry, with the
    receipts that cover it: of the checkpoints after the removal, the one the most members
    receipted (the latest on a tie), carrying each of those members' receipt line. Without any
    receipt yet, the latest checkpoint alone. None when the signal was never removed."""
    removal = ledger.removal_entries([signal.pk]).get(signal.pk)
    if removal is None:
        return None
    seq = removal[0]
    groups: dict[tuple[int, str], dict[int, str]] = {}
    receipts = (
        Acknowledgement.objects.filter(size__gt=seq, key__isnull=False)
        .select_related("key")
        .order_by("at")
    )
    for ack in receipts.iterator():
        text, signatures = note.split(ack.receipt)
        line = next(
            (s for s in signatures if (s.name, s.key_id) == (ack.key.name, ack.key.key_id)), None
        )
        if line is not None:
            groups.setdefault((ack.size, text), {})[ack.member_id] = _line(line)
    if groups:
        (size, text), lines = max(groups.items(), key=lambda g: (len(g[1]), g[0][0]))
        checkpoint = ledger.checkpoint_for_size(size)
        ours = [s for s in note.split(checkpoint.note)[1] if not note.is_grease(s)]
        if note.split(checkpoint.note)[0] != text:
            # The members receipted an older signing of this size: its signature is in a receipt.
            first = next(a for a in receipts if a.size == size and note.split(a.receipt)[0] == text)
            keys = {(k.name, k.key_id) for k in ReceiptKey.objects.all()}
            ours = [
                s
                for s in note.split(first.receipt)[1]
                if (s.name, s.key_id) not in keys and not note.is_grease(s)
            ]
        signed = text + "\n" + "".join(_line(s) for s in ours) + "".join(lines.values())
    else:
        checkpoint = ledger.latest_checkpoint()
        size, signed = checkpoint.size, checkpoint.note
    hashes = ledger.inclusion_proof(seq, size)
    return proof.Proof(
        index=seq, hashes=list(hashes), checkpoint=signed, extra=ledger.entry_leaf(seq)
    ).text()


def _line(signature: note.Signature) -> str:
    return note.signature_line(signature)

"""Writes to signals. Every change of a signal's presence in the feed goes through hold/release,
which queue the change in the outbox (signals.outbox) in the caller's transaction and announce it
(events.changes_queued), so that the ledger seals once the transaction commits.

A signal's review tier (unreviewed on arrival, confirmed once corroborated) changes only through
`corroborate`, which records who or what vouched for it and, when the tier changes, queues a tier
change the seal turns into a tier entry (member_portal/feed/leaf.py)."""

from __future__ import annotations

import datetime as dt
import json
import secrets

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from hashbank.signals import selectors, storage, types
from hashbank.signals.errors import SignalErrorCode
from hashbank.signals.events import changes_queued
from hashbank.signals.models import Change, Corroboration, PdqChunks, Signal
from member_portal.feed import leaf as leaves


def _salt_and_digest(signal_type: str, value: str, quality: int | None) -> tuple[bytes, bytes]:
    """A fresh salt for a new signal and the salted value digest its add leaf commits to."""
    salt = secrets.token_bytes(leaves.SALT_SIZE)
    return salt, leaves.value_digest(salt, signal_type, quality, bytes.fromhex(value))


def _new_signal(signal_type: str, value: str, quality: int | None) -> Signal:
    salt, digest = _salt_and_digest(signal_type, value, quality)
    return Signal(signal_type=signal_type, value=value, quality=quality, salt=salt, digest=digest)


def get_or_create(*, signal_type: str, value: str, quality: int | None = None) -> Signal:
    signal_type, value, quality = types.normalize(signal_type, value, quality)
    existing = Signal.objects.filter(signal_type=signal_type, value=value).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            signal = _new_signal(signal_type, value, quality)
            signal.save()
            if signal_type == "pdq":
                storage.index_pdqs([(signal.pk, value)])
            return signal
    except IntegrityError:  # another submission created it a moment ago
        return Signal.objects.get(signal_type=signal_type, value=value)


@transaction.atomic
def hold(
    *, signal_type: str, value: str, quality: int | None = None, mix_group: int | None = None
) -> Signal:
    """A case holds this value active; publishes it (an `add` change) when it was not already.
    `mix_group` is the case's id, for the seal's minimum mix (Change.mix_group)."""
    signal = get_or_create(signal_type=signal_type, value=value, quality=quality)
    Signal.objects.filter(pk=signal.pk).update(active_holds=F("active_holds") + 1)
    signal = Signal.objects.select_for_update().get(pk=signal.pk)
    if signal.active_holds == 1:
        Change.objects.create(signal=signal, kind=Change.Kind.ADD, mix_group=mix_group)
        _announce()
    return signal


def hold_many(
    *, items: list[tuple[str, str, int | None]], mix_group: int | None = None
) -> list[Signal]:
    """hold() for many values at once, in a few statements whatever their number. `items` are
    distinct (signal_type, value, quality); returns their Signals in order. (A person's submission
    on PostgreSQL composes holding_ctes into its own single statement instead.)"""
    normalized = [types.normalize(t, v, q) for t, v, q in items]
    ordered = sorted(normalized)
    with transaction.atomic():
        # Missing rows first; a concurrent submission may create the same one (ignored conflict).
        Signal.objects.bulk_create(
            [_new_signal(t, v, q) for t, v, q in ordered], ignore_conflicts=True
        )
        # Values of different types differ in length, so (type IN ..., value IN ...) matches
        # exactly the wanted rows, through the (signal_type, value) unique index.
        match = Q(signal_type__in={t for t, _, _ in ordered}, value__in=[v for _, v, _ in ordered])
        # Rows locked in (type, value) order, as every writer locks signals (withdrawals, seals),
        # so that none waits on another in a cycle; then one UPDATE increments them all. Locked,
        # they cannot change meanwhile, so the rows read here plus one are what the UPDATE wrote.
        locked = Signal.objects.filter(match).order_by("signal_type", "value").select_for_update()
        found = {(s.signal_type, s.value): s for s in locked}
        Signal.objects.filter(match).update(active_holds=F("active_holds") + 1)
        for signal in found.values():
            signal.active_holds += 1
        added = [
            Change(signal=s, kind=Change.Kind.ADD, mix_group=mix_group)
            for s in found.values()
            if s.active_holds == 1
        ]
        Change.objects.bulk_create(added)
        # New PDQs into the multi-index (storage.pdq_within); a new signal holds 1, and one held
        # again after a withdrawal is already there (kept: ignored conflict).
        storage.index_pdqs(
            [
                (s.pk, s.value)
                for s in found.values()
                if s.active_holds == 1 and s.signal_type == "pdq"
            ]
        )
        seal_if_published(len(added))
    return [found[(t, v)] for t, v, _ in normalized]


# PostgreSQL: holding many values is two common table expressions, which a one-statement writer
# (cases.services.submit_case) composes into its own statement. `held` inserts the new
# values holding 1 and gives existing ones one more hold (ON CONFLICT ... DO UPDATE also row-locks
# them until commit); `queued` queues an `add` change for every signal whose hold count became 1,
# as it was not in the feed; `indexed` adds new PDQs (holding 1) to the multi-index
# (storage.pdq_within; one held again after a withdrawal is already there). With `only_after`, nothing is held unless that earlier CTE of the
# same statement returned a row.
_HOLDING_CTES = """
held AS (
    INSERT INTO {signal} AS s
        (signal_type, value, quality, salt, digest, active_holds, state, removal_reason, created_at)
    SELECT t, v, q, decode(salt, 'hex'), decode(digest, 'hex'), 1, %(pending)s, '', %(now)s
    FROM json_to_recordset(%(wanted)s::json)
        AS wanted (t varchar, v varchar, q smallint, salt text, digest text)
    {guard}
    ON CONFLICT (signal_type, value) DO UPDATE SET active_holds = s.active_holds + 1
    RETURNING s.id, s.signal_type, s.value, s.active_holds
), queued AS (
    INSERT INTO {change} (signal_id, kind, reason, created_at, mix_group)
    SELECT id, %(add)s, '', %(now)s, {mix_group} FROM held WHERE active_holds = 1
), indexed AS (
    {index_pdqs}
)"""

_INDEX_HELD_PDQS = storage.PG_INDEX_ROWS_SQL.format(
    id="id", v="value", source="held WHERE signal_type = 'pdq' AND active_holds = 1"
)


def holding_ctes(
    items: list[tuple[str, str, int | None]],
    *,
    now: dt.datetime,
    only_after: str = "",
    mix_group_sql: str = "NULL",
) -> tuple[str, dict]:
    """The `held` and `queued` CTEs (SQL, parameters) that hold `items`, for PostgreSQL.

    `items` are distinct and normalized (types.normalize). `held` returns (id, signal_type,
    value, active_holds) per item; `mix_group_sql` is an SQL expression of the statement for the
    queued changes' Change.mix_group (the new case's id). The caller then passes the number of rows with active_holds
    1 to seal_if_published. Signals are locked in (type, value) order: every transaction that locks
    several signals (withdrawals, seals) takes them in that order, so none waits in a cycle.
    """
    # The values travel as one JSON document: the standard library writes it in C, where psycopg
    # would adapt five parallel arrays element by element in Python.
    wanted = []
    for t, v, q in sorted(items):
        salt, digest = _salt_and_digest(t, v, q)
        wanted.append({"t": t, "v": v, "q": q, "salt": salt.hex(), "digest": digest.hex()})
    params = {
        "wanted": json.dumps(wanted),
        "pending": Signal.State.PENDING.value,
        "add": Change.Kind.ADD.value,
        "now": now,
    }
    sql = _HOLDING_CTES.format(
        signal=Signal._meta.db_table,
        change=Change._meta.db_table,
        guard=f"WHERE EXISTS (SELECT FROM {only_after})" if only_after else "",
        mix_group=mix_group_sql,
        index_pdqs=_INDEX_HELD_PDQS,
    )
    return sql, params


def seal_if_published(published: int) -> None:
    """After `held`: `published` signals entered the feed, so the ledger must seal them."""
    if published:
        _announce()


def signals_in_lock_order(ids) -> list[Signal]:
    """These signals, in (type, value) order: the order every writer locks signals in."""
    return list(Signal.objects.filter(pk__in=list(ids)).order_by("signal_type", "value"))


def _announce() -> None:
    """Changes are queued in this transaction: the ledger seals them once it commits."""
    changes_queued.send(sender=Change)


@transaction.atomic
def release(
    *, signal: Signal, reason: types.RemovalReason | str, mix_group: int | None = None
) -> Signal:
    """A case stops holding this value; removes it from the feed when no case holds it any more.
    `reason` stays in the bank (the feed says only `removed`); `mix_group` as for hold()."""
    reason_value = reason.value if isinstance(reason, types.RemovalReason) else str(reason)
    updated = Signal.objects.filter(pk=signal.pk, active_holds__gt=0).update(
        active_holds=F("active_holds") - 1
    )
    signal = Signal.objects.select_for_update().get(pk=signal.pk)
    if updated and signal.active_holds == 0:
        Change.objects.create(
            signal=signal, kind=Change.Kind.REMOVE, reason=reason_value, mix_group=mix_group
        )
        _announce()
    return signal


@transaction.atomic
def purge_value(*, signal: Signal) -> Signal:
    """Forget a removed signal's value and salt; its salted digest stays. Only for
    ledger.services.purge, which calls it in the same transaction as it empties the payloads of
    the signal's entries: alone, it would leave the value readable in those payloads."""
    signal = Signal.objects.select_for_update().get(pk=signal.pk)
    if signal.active_holds or signal.state != Signal.State.REMOVED:
        raise types.InvalidSignal(
            "only a removed signal can be purged", code=SignalErrorCode.SIGNAL_NOT_REMOVED
        )
    signal.value, signal.salt, signal.purged_at = None, b"", timezone.now()
    signal.save(update_fields=["value", "salt", "purged_at"])
    PdqChunks.objects.filter(signal_id=signal.pk).delete()  # the chunks are the value
    return signal


@transaction.atomic
def corroborate(
    *, signal: Signal, basis: Corroboration.Basis | str, by: str
) -> Corroboration | None:
    """Record that `by` vouched for (or, with basis `unreviewed`, took back the confirmation of)
    a signal in the feed; when that changes its tier, queue a tier entry. Idempotent for the tier:
    a second confirmation is recorded, and changes nothing in the feed. None (nothing recorded)
    when no case holds the signal: a signal out of the feed has no tier.

    `by` names who: "member <name>", "case <row id>", "staff <username>" (never a case number)."""
    basis = Corroboration.Basis(basis)
    signal = Signal.objects.select_for_update().get(pk=signal.pk)
    if signal.active_holds == 0:
        return None
    wanted = leaves.tier_of(leaves.BASIS_CODES[basis.value])
    changed = selectors.review_tiers([signal.pk])[signal.pk][0] != wanted
    if changed:
        Change.objects.create(signal=signal, kind=Change.Kind.TIER, reason=basis.value)
        _announce()
    return Corroboration.objects.create(signal=signal, basis=basis, by=by, changed_tier=changed)


def backfill_pdq_index(*, batch: int = 100_000, progress=None) -> int:
    """Add every PDQ signal the multi-index lacks (storage.backfill_pdq_index): for `manage.py
    pdq_index backfill` after a restore or an import that bypassed these services."""
    return storage.backfill_pdq_index(batch=batch, progress=progress)

"""The outbox's and the signal table's bulk statements, PostgreSQL and SQLite side by side.

PostgreSQL gets one statement per step however large the batch (a seal takes up to 250,000
changes); elsewhere the ORM does the same in chunks. Signal rows are updated in the order of the
ids given: callers pass them in (type, value) order, the order every writer locks signals in.
"""

from __future__ import annotations

import datetime as dt
import re
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Q

from hashbank.core.db import chunks
from hashbank.signals import multiindex
from hashbank.signals.models import Change, PdqChunks, Signal

PENDING_SQL = f"""
SELECT c.id, c.kind, c.reason, c.signal_id, s.signal_type, s.digest, s.salt, s.quality, s.value,
       s.tier_basis
FROM {Change._meta.db_table} c JOIN {Signal._meta.db_table} s ON s.id = c.signal_id
ORDER BY c.id LIMIT %s
"""


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def pending(limit: int) -> list[tuple]:
    """Queued changes, oldest first, joined to their signals (one query, no model objects)."""
    with connection.cursor() as cursor:
        cursor.execute(PENDING_SQL, [limit])
        return cursor.fetchall()


def _int_array(ids: list[int]) -> str:
    """A PostgreSQL array literal for `%s::bigint[]`: psycopg's list dumper costs ~10 us per
    element, more than the UPDATE itself for a 100k batch; joining decimal strings costs ~0.1 us."""
    return "{" + ",".join(map(str, ids)) + "}"


@contextmanager
def _probing_by_primary_key(cursor):
    """UPDATE ... FROM unnest(ids) as a nested loop over the ids, in their order: rows are locked
    in the caller's order, and the cost grows with the batch. (For a large batch the planner
    would otherwise hash the whole signals table, a cost that grows with the table; the probes
    also measured faster at 250,000 of 1.4 million.)"""
    cursor.execute("SET LOCAL enable_hashjoin = off")
    cursor.execute("SET LOCAL enable_mergejoin = off")
    yield
    cursor.execute("RESET enable_hashjoin")
    cursor.execute("RESET enable_mergejoin")


_SETTLE_SQL = f"""
UPDATE {Signal._meta.db_table} s SET
    state = CASE WHEN u.seq IS NULL THEN %(removed)s ELSE %(active)s END,
    published_at = CASE WHEN u.seq IS NULL THEN s.published_at ELSE %(now)s END,
    removed_at = CASE WHEN u.seq IS NULL THEN %(now)s ELSE s.removed_at END,
    removal_reason = u.reason,
    tier_basis = 0,
    add_seq = COALESCE(u.seq, s.add_seq)
FROM unnest(%(ids)s::bigint[], %(seqs)s::bigint[], %(reasons)s::text[]) AS u(id, seq, reason)
WHERE s.id = u.id
"""
_REASON = re.compile(r"[a-z_]*")


def settle_signals(
    ids: list[int], add_seqs: list[int | None], reasons: list[str], now: dt.datetime
) -> None:
    """Signal ids[i] is in the feed, added by entry add_seqs[i], or (add_seqs[i] None) out of it
    for reasons[i]: one statement on PostgreSQL, rows updated (so locked) in the order given."""
    if not ids:
        return
    if _is_postgres():
        # Array literals, not psycopg's list adapter (see _int_array); reasons are identifiers.
        assert all(_REASON.fullmatch(reason) for reason in set(reasons))
        params = {
            "ids": _int_array(ids),
            "seqs": "{" + ",".join("NULL" if q is None else str(q) for q in add_seqs) + "}",
            "reasons": "{" + ",".join(f'"{reason}"' for reason in reasons) + "}",
            "active": Signal.State.ACTIVE.value,
            "removed": Signal.State.REMOVED.value,
            "now": now,
        }
        with connection.cursor() as cursor, _probing_by_primary_key(cursor):
            cursor.execute(_SETTLE_SQL, params)
        return
    for sid, seq, reason in zip(ids, add_seqs, reasons, strict=True):
        if seq is None:
            fields = {"state": Signal.State.REMOVED, "removed_at": now, "removal_reason": reason}
        else:
            fields = {"state": Signal.State.ACTIVE, "published_at": now, "add_seq": seq}
            fields["removal_reason"] = ""
        Signal.objects.filter(pk=sid).update(tier_basis=0, **fields)


def lock_signals(ids: list[int]) -> None:
    """Row-lock these signals in the order given (callers pass (type, value) order)."""
    if not ids:
        return
    with connection.cursor() as cursor:
        suffix = " FOR UPDATE" if _is_postgres() else ""
        for chunk in chunks(ids):
            cursor.execute(
                f"SELECT id FROM {Signal._meta.db_table} WHERE id IN "
                f"({','.join(['%s'] * len(chunk))}) ORDER BY signal_type, value{suffix}",
                chunk,
            )


def settle_tiers(tiers: dict[int, int]) -> None:
    """Signal id -> basis code of its latest sealed tier entry (rare: a few per seal)."""
    by_code: dict[int, list[int]] = {}
    for sid, code in tiers.items():
        by_code.setdefault(code, []).append(sid)
    for code, ids in by_code.items():
        for chunk in chunks(ids):
            Signal.objects.filter(pk__in=chunk).update(tier_basis=code)


def delete_changes(ids: list[int]) -> None:
    if _is_postgres():
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {Change._meta.db_table} WHERE id = ANY(%s::bigint[])",
                [_int_array(ids)],
            )
        return
    for chunk in chunks(ids):
        Change.objects.filter(pk__in=chunk).delete()


# PDQ values are 64 hex digits (256 bits); 'x' || value casts them to a bit string, whose XOR's
# population count is the Hamming distance (bit_count: PostgreSQL 14 and later). One pass over the
# PDQ signals: the reference the multi-index search is tested and benchmarked against.
_PDQ_SCAN_SQL = f"""
SELECT id, distance FROM (
    SELECT id, bit_count(('x' || value)::bit(256) # ('x' || %(value)s)::bit(256)) AS distance
    FROM {Signal._meta.db_table}
    WHERE signal_type = 'pdq' AND value IS NOT NULL
) near WHERE distance <= %(distance)s ORDER BY distance, id LIMIT %(limit)s
"""


def pdq_within_scan(value: str, distance: int, limit: int) -> list[tuple[int, int]]:
    """What pdq_within answers, by reading every PDQ signal (no index): the reference."""
    if _is_postgres():
        with connection.cursor() as cursor:
            cursor.execute(_PDQ_SCAN_SQL, {"value": value, "distance": distance, "limit": limit})
            return [(row[0], row[1]) for row in cursor.fetchall()]
    # Elsewhere (SQLite: tests, a laptop) the same pass in Python, streamed.
    target = int(value, 16)
    found = []
    rows = Signal.objects.filter(signal_type="pdq", value__isnull=False).values_list("id", "value")
    for pk, other in rows.iterator(chunk_size=5000):
        bits = (int(other, 16) ^ target).bit_count()
        if bits <= distance:
            found.append((pk, bits))
    found.sort(key=lambda item: (item[1], item[0]))
    return found[:limit]


_CHUNK_COLUMNS = [f"c{i}" for i in range(multiindex.CHUNKS)]


# The multi-index read on PostgreSQL: one `= ANY(array)` per probed column (a bitmap OR of their
# indexes), the exact distance summed over the chunks in the same statement, so only the matches
# leave the database.
_PG_DISTANCE = " + ".join(
    f"bit_count(({column} # %(q{i})s)::bit(32))" for i, column in enumerate(_CHUNK_COLUMNS)
)
_PG_WITHIN_SQL = f"""
SELECT signal_id, distance FROM (
    SELECT signal_id, {_PG_DISTANCE} AS distance FROM {PdqChunks._meta.db_table} WHERE {{probes}}
) near WHERE distance <= %(distance)s ORDER BY distance, signal_id LIMIT %(limit)s
"""


def pdq_within(value: str, distance: int, limit: int) -> list[tuple[int, int]]:
    """(signal id, Hamming distance) of the PDQ signals within `distance` bits of `value` (64
    hex digits, already validated), nearest first, at most `limit`. Purged values are not found.

    Through the multi-index (models.PdqChunks): the rows whose chunks match the probes of
    multiindex.plan (any PDQ within the distance does), filtered by their exact distance, which
    the chunks give on their own (no signal row is read)."""
    query = multiindex.chunks(value)
    plan = multiindex.plan(value, distance)
    if _is_postgres():
        params = {f"q{i}": chunk for i, chunk in enumerate(query)}
        params.update({f"p{position}": probes for position, probes in plan.items()})
        params.update(distance=distance, limit=limit)
        probes = " OR ".join(f"{_CHUNK_COLUMNS[p]} = ANY(%(p{p})s::int[])" for p in plan)
        with connection.cursor() as cursor:
            cursor.execute(_PG_WITHIN_SQL.format(probes=probes), params)
            return [(row[0], row[1]) for row in cursor.fetchall()]
    match = Q()
    for position, probes in plan.items():
        match |= Q(**{f"{_CHUNK_COLUMNS[position]}__in": probes})
    rows = PdqChunks.objects.filter(match).values_list("signal_id", *_CHUNK_COLUMNS)
    found = []
    for row in rows.iterator(chunk_size=5000):
        bits = multiindex.distance_of(row[1:], query)
        if bits <= distance:
            found.append((row[0], bits))
    found.sort(key=lambda item: (item[1], item[0]))
    return found[:limit]


def index_pdqs(signals: list[tuple[int, str]]) -> None:
    """Add (signal id, PDQ value) to the multi-index; rows already there are kept."""
    PdqChunks.objects.bulk_create(
        [
            PdqChunks(
                signal_id=pk, **dict(zip(_CHUNK_COLUMNS, multiindex.chunks(value), strict=True))
            )
            for pk, value in signals
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )


# The chunks in SQL: hex digits 4i+1..4i+4 of the value as an integer, as multiindex.chunks.
_PG_CHUNKS = ", ".join(
    f"('x' || substr({{v}}, {4 * i + 1}, 4))::bit(16)::int" for i in range(multiindex.CHUNKS)
)
PG_INDEX_ROWS_SQL = (
    f"INSERT INTO {PdqChunks._meta.db_table} (signal_id, {', '.join(_CHUNK_COLUMNS)}) "
    "SELECT {id}, " + _PG_CHUNKS + " FROM {source} ON CONFLICT (signal_id) DO NOTHING"
)
_PG_BACKFILL_SQL = PG_INDEX_ROWS_SQL.format(
    id="id",
    v="value",
    source=f"{Signal._meta.db_table} WHERE signal_type = 'pdq' AND value IS NOT NULL "
    "AND id > %(after)s AND id <= %(upto)s",
)


def backfill_pdq_index(*, batch: int = 100_000, progress=None) -> int:
    """Index every PDQ signal with a value that the multi-index lacks, `batch` signal ids at a
    time (each its own transaction), calling progress(done ids, last id) after each; returns how
    many rows were added. Idempotent; safe while submissions run (they index their own)."""
    last = Signal.objects.order_by("-id").values_list("id", flat=True).first() or 0
    added = 0
    for after in range(0, last, batch):
        upto = min(last, after + batch)
        with transaction.atomic():
            if _is_postgres():
                with connection.cursor() as cursor:
                    cursor.execute(_PG_BACKFILL_SQL, {"after": after, "upto": upto})
                    added += cursor.rowcount
            else:
                rows = list(
                    Signal.objects.filter(
                        signal_type="pdq", value__isnull=False, id__gt=after, id__lte=upto
                    )
                    .exclude(id__in=PdqChunks.objects.values("signal_id"))
                    .values_list("id", "value")
                )
                index_pdqs(rows)
                added += len(rows)
        if progress is not None:
            progress(upto, last)
    return added


def unindexed_pdq_count() -> int:
    """PDQ signals with a value that the multi-index lacks (0 once backfilled)."""
    return (
        Signal.objects.filter(signal_type="pdq", value__isnull=False)
        .exclude(id__in=PdqChunks.objects.values("signal_id"))
        .count()
    )

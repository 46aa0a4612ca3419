"""The receipt's hot statements, hand-written (portable SQL, prepared on PostgreSQL:
hashbank.core.db): a member posting a receipt every minute on an idle log costs the bank these
instead of the ORM's, which cost ten times more CPU to build than to run (bench/receipts.py)."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from django.db import connection, transaction

from hashbank.core.db import Columns, fetch
from hashbank.receipts.models import Acknowledgement, AppliedPosition, ReceiptKey


@cache
def _keys_shape() -> tuple[Columns, Columns, str]:
    key, position = Columns(ReceiptKey, "k"), Columns(AppliedPosition, "p")
    sql = (
        f"SELECT {key.sql}, {position.sql} FROM {ReceiptKey._meta.db_table} k "
        f"LEFT JOIN {AppliedPosition._meta.db_table} p ON p.member_id = k.member_id "
        "WHERE k.member_id = %(member)s AND k.revoked_at IS NULL"
    )
    return key, position, sql


def usable_keys_and_position(member_id: int) -> tuple[list[ReceiptKey], AppliedPosition | None]:
    """The member's usable (unrevoked) receipt keys and, in the same read, its applied position
    (None without keys, or before its first acknowledgement)."""
    key_columns, position_columns, sql = _keys_shape()
    keys, position = [], None
    for row in fetch(sql, {"member": member_id}):
        keys.append(key_columns.build(row[: len(key_columns)]))
        if position is None and row[len(key_columns)] is not None:
            position = position_columns.build(row[len(key_columns) :])
    return keys, position


_TABLE = AppliedPosition._meta.db_table
_SAME_SIZE_AGAIN = (
    f"UPDATE {_TABLE} SET last_receipt_time = %(time)s "
    "WHERE id = %(id)s AND size = %(size)s AND last_receipt_size = %(size)s "
    "AND (last_receipt_time IS NULL OR last_receipt_time < %(time)s) RETURNING id"
)


def note_same_size_again(*, position_id: int, size: int, receipt_time: int) -> bool:
    """Note a later receipt time for the size of the position's last receipt, if the position is
    still at that size and its last receipt older (the replay check, in the WHERE); whether it
    was."""
    params = {"id": position_id, "size": size, "time": receipt_time}
    return bool(fetch(_SAME_SIZE_AGAIN, params))


@cache
def _position_shape() -> tuple[Columns, str]:
    columns = Columns(AppliedPosition, "p")
    return columns, f"SELECT {columns.sql} FROM {_TABLE} p WHERE p.member_id = %(member)s"


def position(member_id: int) -> AppliedPosition | None:
    """The member's applied position (None before its first acknowledgement): GET /sync's."""
    columns, sql = _position_shape()
    rows = fetch(sql, {"member": member_id})
    return columns.build(rows[0]) if rows else None


# A receipt that moves the position forward (the log grew since the member's last receipt): the
# move and its Acknowledgement row. The UPDATE's WHERE is the replay check of
# services._record_locked for a larger size (no later receipt time seen), and the UPDATE takes the
# row's lock, so two receipts of one member still serialise.
_MOVE_FORWARD = (
    f"UPDATE {_TABLE} SET size = %(size)s, at = %(at)s, last_receipt_size = %(size)s, "
    "last_receipt_time = %(time)s "
    "WHERE id = %(id)s AND size < %(size)s "
    "AND (last_receipt_time IS NULL OR last_receipt_time <= %(time)s) RETURNING id"
)
_ACKNOWLEDGEMENT = (
    f"INSERT INTO {Acknowledgement._meta.db_table} (member_id, size, at, key_id, receipt) "
    "VALUES (%(member)s, %(size)s, %(at)s, %(key)s, %(receipt)s) RETURNING id"
)
# On PostgreSQL both in one statement (a data-modifying WITH): the row is inserted only if the
# UPDATE moved the position, and one statement is its own transaction, so the move costs one
# round trip instead of four (BEGIN, UPDATE, INSERT, COMMIT).
_MOVE_FORWARD_AND_ACKNOWLEDGE = (
    f"WITH moved AS ({_MOVE_FORWARD}) "
    f"INSERT INTO {Acknowledgement._meta.db_table} (member_id, size, at, key_id, receipt) "
    "SELECT %(member)s, %(size)s, %(at)s, %(key)s, %(receipt)s FROM moved RETURNING id"
)


def move_forward(
    *,
    position_id: int,
    member_id: int,
    size: int,
    at: datetime,
    receipt_time: int,
    key_id: int,
    receipt: str,
) -> bool:
    """Move the position to `size` with this receipt, if it is still below `size` and has seen no
    later receipt, and record the move, atomically; whether it moved (else nothing was
    written)."""
    at_value = connection.ops.adapt_datetimefield_value(at)
    params = {"id": position_id, "size": size, "at": at_value, "time": receipt_time}
    row = {"member": member_id, "size": size, "at": at_value, "key": key_id, "receipt": receipt}
    if connection.vendor == "postgresql":
        return bool(fetch(_MOVE_FORWARD_AND_ACKNOWLEDGE, params | row))
    with transaction.atomic():  # SQLite has no data-modifying WITH
        if not fetch(_MOVE_FORWARD, params):
            return False
        fetch(_ACKNOWLEDGEMENT, row)
    return True

"""The credential behind a token, read by hand-written SQL: every member API request starts here.

The ORM's select_related read cost about 0.6 ms (SQLite) to 0.8 ms (PostgreSQL) of CPU to build,
ten times what the statement costs to run (bench/receipts.py); this is the same one indexed read
with the same instances (Django's converters), prepared once per connection on PostgreSQL.
"""

from __future__ import annotations

from functools import cache

from hashbank.core.db import Columns, fetch
from member_portal.members.models import Credential, Member, SyncPosition


@cache
def _shape() -> tuple[Columns, Columns, str]:
    credential, member = Columns(Credential, "c"), Columns(Member, "m")
    sql = (
        f"SELECT {credential.sql}, {member.sql} FROM {Credential._meta.db_table} c "
        f"JOIN {Member._meta.db_table} m ON m.id = c.member_id WHERE c.key_id = %(key_id)s"
    )
    return credential, member, sql


def credential_by_key_id(key_id: str) -> Credential | None:
    """The credential with this key id, its member loaded with it (None when there is none)."""
    credential_columns, member_columns, sql = _shape()
    rows = fetch(sql, {"key_id": key_id})
    if not rows:
        return None
    row = rows[0]
    credential = credential_columns.build(row[: len(credential_columns)])
    credential.member = member_columns.build(row[len(credential_columns) :])
    return credential


@cache
def _pull_shape() -> tuple[Columns, str]:
    columns = Columns(SyncPosition, "s")
    return (
        columns,
        f"SELECT {columns.sql} FROM {SyncPosition._meta.db_table} s WHERE s.member_id = %(member)s",
    )


def pull_position(member_id: int) -> SyncPosition | None:
    """How far the member pulled (None before its first pull)."""
    columns, sql = _pull_shape()
    rows = fetch(sql, {"member": member_id})
    return columns.build(rows[0]) if rows else None

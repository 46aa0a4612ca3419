"""The mirror's bulk write of entries, PostgreSQL and SQLite side by side: a catch-up stores
pages of up to 50,000 entries, which the ORM's bulk_create spends most of its time building."""

from __future__ import annotations

from django.db import connection

from hashbank.mirrors.models import MirrorEntry

TABLE = MirrorEntry._meta.db_table


def insert_entries(log_id: int, rows: list[tuple[int, bytes, bytes | None]]) -> None:
    """Insert (seq, leaf, value) rows of one log, in the caller's transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {TABLE} (log_id, seq, leaf, value) FROM STDIN") as copy:
                for seq, leaf, value in rows:
                    copy.write_row((log_id, seq, leaf, value))
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {TABLE} (log_id, seq, leaf, value) VALUES (%s, %s, %s, %s)",
            [(log_id, seq, leaf, value) for seq, leaf, value in rows],
        )

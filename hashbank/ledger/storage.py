"""The ledger's bulk writes, PostgreSQL and SQLite side by side."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection

from hashbank.ledger.models import Entry

EntryRow = tuple  # (seq, kind, signal_id, leaf, payload, created_at)


@contextmanager
def entry_writer() -> Iterator[Callable[[EntryRow], None]]:
    """Yields write(row) for entry rows: a COPY on PostgreSQL (the server takes the rows in on the
    other core while the seal computes the next ones; no other query may run until it closes),
    a bulk insert at the end elsewhere."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            with cursor.cursor.copy(
                f"COPY {Entry._meta.db_table} (seq, kind, signal_id, leaf, payload, created_at)"
                " FROM STDIN"
            ) as copy:
                yield copy.write_row
        return
    rows: list[EntryRow] = []
    yield rows.append
    Entry.objects.bulk_create(
        [
            Entry(seq=s, kind=k, signal_id=sid, leaf=leaf, payload=p, created_at=t)
            for s, k, sid, leaf, p, t in rows
        ],
        batch_size=2000,
    )

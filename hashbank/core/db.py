"""Hot-path statements on PostgreSQL: parameters bound by the server and the statement prepared
once per connection (unless DATABASE_PREPARED_STATEMENTS is off; see config.parse_database_url).

Django's psycopg cursors bind parameters on the client (every value quoted into the SQL text)
and are never prepared, so PostgreSQL parses and plans each statement anew: for the submission's
statement that was half of the database's work. The submission path's statements run through
here instead; they take part in the caller's transaction, if any, like any other query.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
from django.db import connection


def fetch_prepared(sql: str, params: dict) -> list[tuple]:
    # As Django's cursors do: a connection kept from an earlier request is checked first
    # (CONN_HEALTH_CHECKS), so a database restart costs no request an error.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchall()


def chunks(items: list, size: int = 5000) -> Iterator[list]:
    """`items` in slices of `size`: bulk statements stay within SQLite's parameter limit."""
    for i in range(0, len(items), size):
        yield items[i : i + size]

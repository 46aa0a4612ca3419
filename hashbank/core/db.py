"""Hot-path statements on PostgreSQL: parameters bound by the server and the plan prepared once
per connection.

Django's psycopg cursors bind parameters on the client (every value quoted into the SQL text,
which costs more than the insert itself for arrays of salts and digests) and PostgreSQL then
plans the statement anew each time. The submission path's two statements run through here
instead; they take part in the caller's transaction like any other query.
"""

from __future__ import annotations

import psycopg
from django.db import connection


def fetch_prepared(sql: str, params: dict) -> list[tuple]:
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchall()

"""Hot-path statements on PostgreSQL: parameters bound by the server and the statement prepared
once per connection (unless DATABASE_PREPARED_STATEMENTS is off; see config.parse_database_url).
The member API's polls (authentication, GET /sync, acks, receipts) read through `fetch` and
`Columns` below, on SQLite too.

Django's psycopg cursors bind parameters on the client (every value quoted into the SQL text)
and are never prepared, so PostgreSQL parses and plans each statement anew: for the submission's
statement that was half of the database's work. The submission path's statements run through
here instead; they take part in the caller's transaction, if any, like any other query.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model


def _database():
    """The default connection itself, looked up once: every attribute read through Django's
    `connection` proxy is a thread-local lookup of its own."""
    return connections[DEFAULT_DB_ALIAS]


def fetch_prepared(sql: str, params: dict, database=None) -> list[tuple]:
    db = database or _database()
    # As Django's cursors do: a connection kept from an earlier request is checked first
    # (CONN_HEALTH_CHECKS), so a database restart costs no request an error.
    db.close_if_health_check_failed()
    db.ensure_connection()
    with db.wrap_database_errors, psycopg.Cursor(db.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchall()


def chunks(items: list, size: int = 5000) -> Iterator[list]:
    """`items` in slices of `size`: bulk statements stay within SQLite's parameter limit."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def fetch(sql: str, params: dict) -> list[tuple]:
    """Rows of a hand-written statement (portable SQL, `%(name)s` parameters): prepared on
    PostgreSQL (fetch_prepared), through Django's cursor elsewhere. For the request paths that
    run on every member's poll, where building the statement with the ORM cost ten times more
    than running it (bench/receipts.py). A write returns its rows through RETURNING."""
    db = _database()
    if db.vendor == "postgresql":
        if db.queries_logged:  # as Django's cursors are (tests count statements)
            db.queries_log.append({"sql": sql, "params": params, "time": "0.000"})
        return fetch_prepared(sql, params, db)
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class Columns:
    """A model's concrete columns in a hand-written SELECT, and its instances built from them
    with Django's own converters (JSON, dates on SQLite, ...): what the ORM would have loaded."""

    def __init__(self, model: type[Model], alias: str) -> None:
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.names = [f.attname for f in self.fields]
        self.sql = ", ".join(f'{alias}."{f.column}"' for f in self.fields)
        self._converters: dict[str, list] = {}

    def __len__(self) -> int:
        return len(self.fields)

    def build(self, values) -> Model:
        db = _database()
        converters = self._converters.get(db.vendor)
        if converters is None:
            converters = self._converters[db.vendor] = [
                (db.ops.get_db_converters(col) + col.get_db_converters(db), col)
                for col in (f.get_col(self.model._meta.db_table) for f in self.fields)
            ]
        row = list(values)
        for i, (convs, col) in enumerate(converters):
            for convert in convs:
                row[i] = convert(row[i], col, db)
        return self.model.from_db(db.alias, self.names, row)

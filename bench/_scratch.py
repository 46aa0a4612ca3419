"""What several benchmarks share: their own scratch PostgreSQL database. Not a benchmark itself
(`make bench` runs only bench/[!_]*.py)."""

from __future__ import annotations


def recreate_database(url: str) -> None:
    """Drop and create the database at `url` (the benchmark's own; nothing else may use it)."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')
        conn.execute(f'create database "{name}"')

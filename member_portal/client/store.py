"""The client's verified state in one SQLite file: trusted root, checkpoint, compact range,
the active set's LtHash16 state (and, until the bank's log switches to state entries, its
additive digest) and the active set itself. A state file written before LtHash states were
kept gets its state computed once from the active set it holds.

Every change (a snapshot, a delta) is one SQLite transaction, so a crash (even `kill -9`) leaves
either the old state or the new one, never half of a delta: SQLite rolls an interrupted
transaction back the next time the file is opened. A lock file next to the database (`flock`,
released by the kernel when the process dies, so a killed client never leaves a stale lock)
stops two clients from using one state file at once.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from member_portal.feed import leaf as leaves
from member_portal.feed import merkle, rootdoc
from member_portal.feed.activeset import ActiveSet
from member_portal.feed.lthash import LtHash
from member_portal.feed.policy import Policy, PolicyError
from member_portal.feed.setdigest import SetDigest
from member_portal.verify import FeedState, VerificationError, verify_checkpoint

SCHEMA = """
CREATE TABLE IF NOT EXISTS state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    root TEXT NOT NULL,            -- newest verified root document (signed note)
    note TEXT NOT NULL,            -- last verified checkpoint (signed note)
    size INTEGER NOT NULL,
    compact_range BLOB NOT NULL,
    active_count INTEGER NOT NULL,
    active_digest BLOB NOT NULL,   -- the checkpoint's: additive digest, or state commitment
    synced_at INTEGER NOT NULL,
    policy TEXT,                   -- pinned C2SP tlog-policy document, NULL when none is pinned
    lthash BLOB,                   -- LtHash16 state of the active set (2048 bytes)
    switched INTEGER NOT NULL DEFAULT 0  -- 1 once the log has switched to state entries
);
CREATE TABLE IF NOT EXISTS active (
    seq INTEGER PRIMARY KEY,       -- sequence number of the add entry: names the signal
    type INTEGER NOT NULL,         -- leaf signal type code (1 pdq, 2 md5, 3 phash)
    quality INTEGER,
    salt BLOB NOT NULL,
    value BLOB,                    -- NULL once the bank has purged a withdrawn value
    basis INTEGER NOT NULL DEFAULT 0  -- basis code of its latest tier entry; 0: none (unreviewed)
);
CREATE TABLE IF NOT EXISTS origin (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    anchored_by TEXT NOT NULL DEFAULT '',   -- how the first root was trusted: root, pin or list
    frozen_by TEXT NOT NULL DEFAULT '',     -- '', 'carrier' (the bank says so) or 'client'
    frozen_reason TEXT NOT NULL DEFAULT ''
);
"""


class StateLocked(Exception):
    """Another client holds this state file."""


class Store:
    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self._lock_file = open(f"{self.path}.lock", "a+")  # noqa: SIM115 (held while we live)
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_file.close()
            raise StateLocked(
                f"{self.path} is in use by another client (lock {self.path}.lock); "
                "only one client may use a state file at a time"
            ) from None
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, one per verified change.
        self.db = sqlite3.connect(self.path, isolation_level=None)
        # WAL + NORMAL: a crashed process never corrupts or half-applies; commits stay fast.
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(state)")}
        if "policy" not in columns:  # a state file written before policies existed
            self.db.execute("ALTER TABLE state ADD COLUMN policy TEXT")
        if "lthash" not in columns:  # ... or before state commitments (load() computes it)
            self.db.execute("ALTER TABLE state ADD COLUMN lthash BLOB")
            self.db.execute("ALTER TABLE state ADD COLUMN switched INTEGER NOT NULL DEFAULT 0")
        active_columns = {row[1] for row in self.db.execute("PRAGMA table_info(active)")}
        if "basis" not in active_columns:  # ... or before review tiers (all unreviewed then)
            self.db.execute("ALTER TABLE active ADD COLUMN basis INTEGER NOT NULL DEFAULT 0")

    def close(self) -> None:
        self.db.close()
        fcntl.flock(self._lock_file, fcntl.LOCK_UN)
        self._lock_file.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing: the new state is written only if the block finishes."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- reading -----------------------------------------------------------------------------

    def load(self) -> FeedState | None:
        """The last verified state (re-checking the stored checkpoint's signature), or None."""
        row = self.db.execute(
            "SELECT root, note, size, compact_range, active_count, active_digest, policy, lthash,"
            " switched FROM state"
        ).fetchone()
        if row is None:
            return None
        root_text, note_text, size, compact, count, digest, policy_text, lthash, switched = row
        try:
            root = rootdoc.verify_first(root_text)
        except (rootdoc.RootError, ValueError) as exc:
            raise VerificationError(f"stored root document: {exc}") from None
        try:
            policy = Policy.parse(policy_text) if policy_text is not None else None
        except PolicyError as exc:
            raise VerificationError(f"stored witness policy: {exc}") from None
        # The stored checkpoint met the policy pinned when it was synced; a policy pinned since
        # applies from the next checkpoint on, so only the bank's signature is re-checked here.
        checkpoint = verify_checkpoint(note_text, root)
        state = LtHash.from_bytes(count, lthash) if lthash is not None else self._lthash_of_rows()
        if state.count != count:
            raise VerificationError(f"stored state: {state.count} active rows, expected {count}")
        tiers = dict(self.db.execute("SELECT seq, basis FROM active WHERE basis != 0"))
        active = ActiveSet(
            state, None if switched else SetDigest.from_digest(count, digest), bool(switched), tiers
        )
        return FeedState(
            root,
            checkpoint,
            note_text,
            merkle.CompactRange.from_bytes(size, compact),
            active,
            policy,
        )

    def _lthash_of_rows(self) -> LtHash:
        """The LtHash of the stored active set, for a state file written before it was kept."""

        def digests():
            rows = self.db.execute("SELECT type, quality, salt, value FROM active ORDER BY seq")
            for code, quality, salt, value in rows:
                if value is None:
                    raise VerificationError(
                        "this state file predates state commitments and holds a value the bank "
                        "has purged, so its state cannot be recomputed: sync into a new state file "
                        "(it bootstraps from the bank's snapshot)"
                    )
                yield leaves.value_digest(salt, leaves.SIGNAL_TYPE_NAMES[code], quality, value)

        return LtHash.of(digests())

    def synced_at(self) -> int:
        row = self.db.execute("SELECT synced_at FROM state").fetchone()
        return row[0] if row else 0

    def counts(self) -> dict[str, int]:
        rows = self.db.execute("SELECT type, count(*) FROM active GROUP BY type").fetchall()
        return {leaves.SIGNAL_TYPE_NAMES[code]: n for code, n in rows}

    def rows(self, signal_type: str) -> Iterator[tuple]:
        """(seq, value, quality) of the active signals of a type that still carry their value."""
        code = leaves.SIGNAL_TYPE_CODES[signal_type]
        return self.db.execute(
            "SELECT seq, value, quality FROM active WHERE type = ? AND value IS NOT NULL", (code,)
        )

    def tier(self, seq: int) -> tuple[str, str | None]:
        """(tier, basis) of the active signal added by entry `seq`: ("unreviewed", None) until a
        tier entry names it (docs/member-guide.md says what to do with each tier)."""
        row = self.db.execute("SELECT basis FROM active WHERE seq = ?", (seq,)).fetchone()
        code = row[0] if row else leaves.NO_BASIS
        return leaves.tier_of(code), leaves.BASIS_NAMES.get(code)

    def signal_row(self, seq: int) -> tuple | None:
        """(seq, type code, quality, salt, value) of an active signal, or None."""
        return self.db.execute(
            "SELECT seq, type, quality, salt, value FROM active WHERE seq = ?", (seq,)
        ).fetchone()

    def origin_meta(self) -> dict[str, str]:
        """How this origin was first trusted, and whether (and why) it is frozen."""
        row = self.db.execute("SELECT anchored_by, frozen_by, frozen_reason FROM origin").fetchone()
        anchored_by, frozen_by, reason = row or ("", "", "")
        return {"anchored_by": anchored_by, "frozen_by": frozen_by, "frozen_reason": reason}

    def set_origin_meta(self, **fields: str) -> None:
        meta = {**self.origin_meta(), **fields}
        with self.transaction() as db:
            db.execute(
                "INSERT INTO origin (id, anchored_by, frozen_by, frozen_reason) VALUES (1, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET anchored_by = excluded.anchored_by,"
                " frozen_by = excluded.frozen_by, frozen_reason = excluded.frozen_reason",
                (meta["anchored_by"], meta["frozen_by"], meta["frozen_reason"]),
            )

    # -- writing (inside `transaction()`) -------------------------------------------------------

    @staticmethod
    def save(db: sqlite3.Connection, state: FeedState) -> None:
        db.execute(
            "INSERT INTO state (id, root, note, size, compact_range, active_count, active_digest,"
            " synced_at, policy, lthash, switched) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET"
            " root = excluded.root, note = excluded.note, size = excluded.size,"
            " compact_range = excluded.compact_range, active_count = excluded.active_count,"
            " active_digest = excluded.active_digest, synced_at = excluded.synced_at,"
            " policy = excluded.policy, lthash = excluded.lthash, switched = excluded.switched",
            (
                state.root.signed,
                state.note,
                state.size,
                state.compact_range.to_bytes(),
                state.active.count,
                state.active.digest(),
                int(time.time()),
                state.policy.text if state.policy is not None else None,
                state.active.lthash.to_bytes(),
                int(state.active.switched),
            ),
        )

    @staticmethod
    def clear_active(db: sqlite3.Connection) -> None:
        db.execute("DELETE FROM active")

    @staticmethod
    def insert_active(db: sqlite3.Connection, rows: Iterable[tuple]) -> None:
        """rows: (seq, type code, quality, salt, value or None, basis code)."""
        db.executemany(
            "INSERT OR REPLACE INTO active (seq, type, quality, salt, value, basis)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )

    @staticmethod
    def set_basis(db: sqlite3.Connection, rows: Iterable[tuple[int, int]]) -> None:
        """rows: (basis code, seq) of signals a tier entry named."""
        db.executemany("UPDATE active SET basis = ? WHERE seq = ?", rows)

    @staticmethod
    def remove_active(db: sqlite3.Connection, seqs: Iterable[tuple[int]]) -> None:
        db.executemany("DELETE FROM active WHERE seq = ?", seqs)

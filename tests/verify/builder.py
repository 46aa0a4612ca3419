"""A tiny in-memory bank built from the production feed modules, for the verifier's tests: it
appends add/remove leaves and (from its switch on, like the bank's seals) state entries, signs
checkpoints and root documents, with fixed keys and times."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from member_portal.feed import checkpoint as checkpoints
from member_portal.feed import leaf as leaves
from member_portal.feed import merkle, note, rootdoc, wire
from member_portal.feed.lthash import LtHash
from member_portal.feed.setdigest import SetDigest

ORIGIN = "test.hashbank.example/log"
NOW = 1_800_000_000


def signer(label: str, name: str = ORIGIN) -> note.Signer:
    return note.Signer.from_seed(name, hashlib.sha256(label.encode()).digest())


@dataclass
class Bank:
    signers: list[note.Signer] = field(default_factory=lambda: [signer("key-1")])
    records: list[tuple[bytes, bytes]] = field(default_factory=list)
    active: dict[bytes, int] = field(default_factory=dict)  # digest -> add seq
    values: dict[bytes, tuple[bytes, int | None, bytes, str]] = field(default_factory=dict)
    time: int = NOW

    def add(
        self,
        value: bytes,
        signal_type: str = "pdq",
        quality: int | None = 90,
        salt: bytes | None = None,
    ) -> bytes:
        salt = hashlib.sha256(b"salt" + value).digest()[:16] if salt is None else salt
        digest = leaves.value_digest(salt, signal_type, quality, value)
        code = leaves.SIGNAL_TYPE_CODES[signal_type]
        raw = leaves.encode_add(type_code=code, timestamp=self.time, digest=digest)
        self.active[digest] = len(self.records)
        self.values[digest] = (salt, quality, value, signal_type)
        self.records.append((raw, wire.encode_payload(salt, quality, value)))
        return digest

    def remove(self, digest: bytes, reason: str = "removed") -> None:
        target = self.active.pop(digest)
        code = leaves.SIGNAL_TYPE_CODES[self.values[digest][3]]
        raw = leaves.encode_remove(
            type_code=code,
            reason_code=leaves.REASON_CODES[reason],
            timestamp=self.time,
            digest=digest,
            target=target,
        )
        self.records.append((raw, b""))

    def seal_state(self) -> bytes:
        """Append a state entry for the active set so far (what every seal ends with from the
        switch on); returns its leaf."""
        state = LtHash.of(self.active)
        raw = leaves.encode_state(timestamp=self.time, digest=state.digest(), count=state.count)
        self.records.append((raw, b""))
        return raw

    def checkpoint_note(
        self, size: int | None = None, signers: list[note.Signer] | None = None
    ) -> str:
        """A state line when the records up to `size` hold a state entry, else an active line."""
        size = len(self.records) if size is None else size
        compact = merkle.CompactRange()
        compact.extend(raw for raw, _ in self.records[:size])
        active = SetDigest()
        state = LtHash()
        switched = False
        for raw, _ in self.records[:size]:
            entry = leaves.decode(raw)
            if entry.is_state:
                switched = True
                continue
            (active.add if entry.is_add else active.remove)(entry.digest)
            (state.add if entry.is_add else state.remove)(entry.digest)
        body = checkpoints.Checkpoint(
            ORIGIN,
            size,
            compact.root(),
            self.time,
            active.count,
            state.digest() if switched else active.digest(),
            checkpoints.STATE if switched else checkpoints.ACTIVE,
        )
        return note.sign(body.text(), signers or self.signers)

    def root_document(
        self, version: int = 1, keys=None, signers=None, expires: int = NOW + 86400
    ) -> str:
        keys = keys or [s.verifier for s in self.signers]
        text = rootdoc.render(ORIGIN, version, expires, keys)
        return note.sign(text, signers or self.signers)

    def snapshot(self, size: int | None = None, drop: int = 0) -> bytes:
        size = len(self.records) if size is None else size
        compact = merkle.CompactRange()
        compact.extend(raw for raw, _ in self.records[:size])
        live: dict[bytes, int] = {}
        for seq, (raw, _) in enumerate(self.records[:size]):
            entry = leaves.decode(raw)
            if entry.is_state:
                continue
            if entry.is_add:
                live[entry.digest] = seq
            else:
                live.pop(entry.digest)
        kept = sorted(live.items(), key=lambda item: item[1])[: len(live) - drop]
        last = self.records[size - 1][0] if size else None
        if last is not None and leaves.decode(last).is_state:  # v2: range of size-1, state leaf
            compact = merkle.CompactRange()
            compact.extend(raw for raw, _ in self.records[: size - 1])
            out = wire.encode_snapshot_header(
                self.checkpoint_note(size), compact.to_bytes(), len(kept), last
            )
        else:
            out = wire.encode_snapshot_header(
                self.checkpoint_note(size), compact.to_bytes(), len(kept)
            )
        for digest, seq in kept:
            salt, quality, value, signal_type = self.values[digest]
            out += wire.encode_active_record(
                seq, leaves.SIGNAL_TYPE_CODES[signal_type], quality, salt, value
            )
        return out


def pdq(i: int) -> bytes:
    return hashlib.sha256(b"pdq%d" % i).digest()

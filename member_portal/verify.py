"""Verify what a hashbank signs, with nothing but the standard library and `cryptography`.

A member keeps a `FeedState` (the last verified checkpoint, its compact range and what it knows of
the active set: its LtHash16 state and, until the log switches to state entries, its additive
digest; member_portal/feed/activeset.py) and hands every new checkpoint, entries page or snapshot to the functions here. Each one
either returns the new verified state or raises `VerificationError` with a plain reason; the old
state is never modified, so a failed check leaves the last good state in place.

Command line (files as fetched from the pull API):

    python -m member_portal.verify root ROOT.note [NEXT.note ...]
    python -m member_portal.verify checkpoint --root ROOT.note CHECKPOINT.note
    python -m member_portal.verify snapshot --root ROOT.note SNAPSHOT.bin
    python -m member_portal.verify entries --root ROOT.note --snapshot SNAPSHOT.bin PAGE.bin CHECKPOINT.note
    python -m member_portal.verify proof --root ROOT.note [--receipt-key VKEY ...] [--at T] REMOVAL.tlog-proof

With a witness policy (C2SP tlog-policy, member_portal/feed/policy.py: `--policy FILE` on the
command line, `policy=` here or on `FeedState`), a checkpoint must also carry the cosignatures its
quorum asks for; without one, only the bank's own signature is checked, as before.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field

from member_portal.feed import checkpoint as checkpoints
from member_portal.feed import cosignature, merkle, note, proof, rootdoc, wire
from member_portal.feed import leaf as leaves
from member_portal.feed.activeset import ActiveSet
from member_portal.feed.lthash import LtHash, tier_input
from member_portal.feed.policy import Policy, PolicyError
from member_portal.feed.setdigest import SetDigest


class VerificationError(Exception):
    """The bank's data does not verify; the message says what and where."""


@dataclass
class FeedState:
    """What a member has verified so far."""

    root: rootdoc.RootDocument
    checkpoint: checkpoints.Checkpoint | None = None
    note: str = ""
    compact_range: merkle.CompactRange = field(default_factory=merkle.CompactRange)
    active: ActiveSet = field(default_factory=ActiveSet)
    # The pinned witness policy every later checkpoint must meet (None: the bank's signature only).
    policy: Policy | None = None

    @property
    def size(self) -> int:
        return self.compact_range.size


def trust_root(signed: str, chain: list[str] = (), now: int | None = None) -> rootdoc.RootDocument:
    """Trust a first root document (obtained out of band) and follow later versions."""
    try:
        first = rootdoc.verify_first(signed)
        return rootdoc.verify_chain(first, list(chain), int(time.time()) if now is None else now)
    except (rootdoc.RootError, note.NoteError) as exc:
        raise VerificationError(f"root document: {exc}") from None


def verify_checkpoint(
    signed_note: str,
    root: rootdoc.RootDocument,
    previous: checkpoints.Checkpoint | None = None,
    *,
    policy: Policy | None = None,
) -> checkpoints.Checkpoint:
    """A checkpoint signed by a key of the trusted root, for our origin, not older than `previous`,
    and cosigned by the witnesses `policy`'s quorum requires (when a policy is given)."""
    try:
        text, _ = note.open_note(signed_note, list(root.keys))
        checkpoint = checkpoints.parse(text)
    except (note.NoteError, checkpoints.CheckpointError) as exc:
        raise VerificationError(f"checkpoint: {exc}") from None
    if checkpoint.origin != root.origin:
        raise VerificationError(f"checkpoint: origin {checkpoint.origin!r} is not {root.origin!r}")
    if previous is not None:
        if checkpoint.size < previous.size:
            raise VerificationError(
                f"checkpoint: rolled back from size {previous.size} to {checkpoint.size}"
            )
        if checkpoint.size == previous.size and checkpoint.root != previous.root:
            raise VerificationError("checkpoint: same size as before but a different root (a fork)")
        if checkpoint.time < previous.time:
            raise VerificationError("checkpoint: signed earlier than the one already verified")
    if policy is not None:
        check_quorum(signed_note, policy)
    return checkpoint


def check_quorum(signed_note: str, policy: Policy) -> list[str]:
    """The policy's witnesses that cosigned; VerificationError unless they meet its quorum (a bad
    cosignature by a listed witness is refused; grease and unknown keys are ignored)."""
    try:
        cosigners = policy.check(signed_note)
    except PolicyError as exc:
        raise VerificationError(f"checkpoint: {exc}") from None
    if not policy.satisfied_by(cosigners):
        raise VerificationError(f"checkpoint: witness {policy.explain(cosigners)}")
    return cosigners


def apply_entries(
    state: FeedState, signed_note: str, records: list[tuple[bytes, bytes]], start: int
) -> FeedState:
    """Check a run of entries [start, start+len) against the new checkpoint; return the new state."""
    return apply_entries_page(state, signed_note, wire.encode_entries(start, records))


def apply_entries_page(
    state: FeedState, signed_note: str, page: bytes, leaf_hashes: list[bytes] | None = None
) -> FeedState:
    """Check an entries page (docs/feed-format.md 6.1) against the new checkpoint in one pass:
    every leaf and disclosed value, the Merkle root and the active set. Returns the new state.
    `leaf_hashes`, if given, gets the page's leaf hashes (wire.scan_entries)."""
    verifier = EntriesVerifier(state, signed_note)
    verifier.feed(page, leaf_hashes)
    return verifier.finish()


class EntriesVerifier:
    """Verify the entries from `state` to the checkpoint `signed_note` a page at a time, holding
    only the compact range and the active set's state between pages (so a delta of millions of
    entries never sits in memory whole). The checkpoint is verified first; `feed` checks each
    page's leaves, values and state entries as it comes; `finish` checks the Merkle root and the
    active set against the checkpoint and returns the new state. Nothing a page said may be
    trusted before `finish` returns."""

    def __init__(self, state: FeedState, signed_note: str) -> None:
        self.state = state
        self.signed_note = signed_note
        self.checkpoint = verify_checkpoint(
            signed_note, state.root, state.checkpoint, policy=state.policy
        )
        self.compact = state.compact_range
        self.active = state.active

    @property
    def size(self) -> int:
        """The size of the tree verified so far (where the next page must start)."""
        return self.compact.size

    def feed(self, page: bytes, leaf_hashes: list[bytes] | None = None) -> tuple[int, int]:
        """Check one entries page that continues the entries fed so far; (start, count) of it."""
        try:
            start, count = wire.entries_header(page)
        except wire.WireError as exc:
            raise VerificationError(str(exc)) from None
        if start != self.compact.size:
            raise VerificationError(
                f"entries: start at {start}, but the verified tree has {self.compact.size}"
            )
        if start + count > self.checkpoint.size:
            raise VerificationError(
                f"entries: {start}+{count} entries go past the checkpoint size "
                f"{self.checkpoint.size}"
            )
        try:
            self.compact, self.active = wire.scan_entries(
                page, self.compact, self.active, leaf_hashes
            )
        except wire.WireError as exc:
            raise VerificationError(str(exc)) from None
        return start, count

    def finish(self) -> FeedState:
        checkpoint = self.checkpoint
        if self.compact.size != checkpoint.size:
            raise VerificationError(
                f"entries: {self.state.size}+{self.compact.size - self.state.size} entries do "
                f"not reach the checkpoint size {checkpoint.size}"
            )
        if self.compact.root() != checkpoint.root:
            raise VerificationError(
                f"entries: the Merkle root of {checkpoint.size} entries does not match the "
                "checkpoint (an entry was changed, dropped, added or reordered)"
            )
        _check_active(checkpoint, self.active)
        return FeedState(
            self.state.root,
            checkpoint,
            self.signed_note,
            self.compact,
            self.active,
            self.state.policy,
        )


def verify_snapshot(
    root: rootdoc.RootDocument,
    reader: wire.SnapshotReader,
    on_record=None,
    *,
    policy: Policy | None = None,
    require_quorum: bool = True,
) -> FeedState:
    """Check a snapshot: its checkpoint, its compact range against the root hash, and its active
    records against the checkpoint's active set (v2, "HBS2": the state entry that ends the tree;
    v3, "HBS3": the same, its records with their review tiers, which the state covers; v1,
    "HBS1", before a log's switch: the additive digest). `on_record` sees each record.

    The returned state carries `policy` for the checkpoints that follow. `require_quorum=False`
    skips the quorum for the snapshot's own checkpoint only, for a client that checks a newer
    witnessed checkpoint before it keeps anything: the entries in between bind the snapshot's tree
    and active set to that checkpoint (apply_entries_page)."""
    checkpoint = verify_checkpoint(reader.note, root, policy=policy if require_quorum else None)
    if checkpoint.has_state != (reader.version >= 2):
        raise VerificationError(
            f"snapshot: a v{reader.version} snapshot of a checkpoint with "
            f"{'a state' if checkpoint.has_state else 'an active'} line (a v2 or v3 snapshot "
            "goes with a state line, a v1 snapshot with an active line)"
        )
    try:
        if reader.version >= 2:
            if checkpoint.size == 0:
                raise VerificationError("snapshot: an empty tree has no state entry")
            compact = merkle.CompactRange.from_bytes(checkpoint.size - 1, reader.compact_range)
            state_leaf = _state_leaf(reader.state_leaf)
            compact.append_leaf_hash(merkle.leaf_hash(reader.state_leaf))
        else:
            compact = merkle.CompactRange.from_bytes(checkpoint.size, reader.compact_range)
    except merkle.ProofError as exc:
        raise VerificationError(f"snapshot: {exc}") from None
    if compact.root() != checkpoint.root:
        raise VerificationError("snapshot: the compact range does not match the checkpoint's root")
    legacy = None if reader.version >= 2 else SetDigest()
    tiers: dict[int, int] = {}
    tier_inputs: list[bytes] = []
    try:
        lthash = LtHash.of(_record_digests(reader, on_record, legacy, tiers, tier_inputs))
    except wire.WireError as exc:
        raise VerificationError(f"snapshot: {exc}") from None
    lthash.add_tiers(tier_inputs)
    active = ActiveSet(lthash, legacy, reader.version >= 2, tiers)
    if reader.version >= 2 and (
        state_leaf.target != lthash.count or state_leaf.digest != lthash.digest()
    ):
        raise VerificationError(
            f"snapshot: {lthash.count} records do not produce the state its last entry commits to"
        )
    _check_active(checkpoint, active)
    return FeedState(root, checkpoint, reader.note, compact, active, policy)


def _state_leaf(raw: bytes) -> leaves.Leaf:
    try:
        leaf = leaves.decode(raw)
    except leaves.LeafError as exc:
        raise VerificationError(f"snapshot: its last entry: {exc}") from None
    if not leaf.is_state:
        raise VerificationError("snapshot: its last entry is not a state entry")
    return leaf


def _record_digests(
    reader: wire.SnapshotReader,
    on_record,
    legacy: SetDigest | None,
    tiers: dict[int, int],
    tier_inputs: list[bytes],
):
    for record in reader.records():
        digest = record.digest
        if legacy is not None:
            legacy.add(digest)
        if record.basis_code:
            tiers[record.seq] = record.basis_code
            tier_inputs.append(tier_input(digest, record.basis_code))
        if on_record is not None:
            on_record(record)
        yield digest


def verify_inclusion(
    checkpoint: checkpoints.Checkpoint, index: int, raw_leaf: bytes, proof: list[bytes]
) -> None:
    try:
        merkle.verify_inclusion(
            index, checkpoint.size, merkle.leaf_hash(raw_leaf), proof, checkpoint.root
        )
    except merkle.ProofError as exc:
        raise VerificationError(f"inclusion proof for entry {index}: {exc}") from None


def verify_consistency(
    old: checkpoints.Checkpoint, new: checkpoints.Checkpoint, proof: list[bytes]
) -> None:
    try:
        merkle.verify_consistency(old.size, new.size, old.root, new.root, proof)
    except merkle.ProofError as exc:
        raise VerificationError(f"consistency proof {old.size} -> {new.size}: {exc}") from None


def _check_active(checkpoint: checkpoints.Checkpoint, active: ActiveSet) -> None:
    """The checkpoint's active or state line against the set the verifier computed. From the
    switch on (the first state entry), the tree ends with a state entry and the checkpoint has a
    state line; before it, an active line."""
    if checkpoint.has_state and not active.ends_with_state:
        raise VerificationError(
            f"checkpoint: has a state line but entry {checkpoint.size - 1} is not a state entry"
        )
    if active.switched and not checkpoint.has_state:
        raise VerificationError(
            "checkpoint: the log switched to state entries, but this checkpoint has an active "
            "line (a state entry was dropped or the log went back to the old digest)"
        )
    if active.count != checkpoint.active_count or active.digest() != checkpoint.active_digest:
        raise VerificationError(
            f"active set: {active.count} signals with a digest that does not match the checkpoint's "
            f"{checkpoint.active_count}"
        )


@dataclass(frozen=True)
class RemovalProof:
    """A verified removal proof: the remove entry `index` (of the add entry `target`) is in the
    tree of `size`, and these receipt keys said they applied at least that tree."""

    origin: str
    index: int
    target: int
    size: int
    receipts: list[str]


def verify_removal_proof(
    text: str, root: rootdoc.RootDocument, receipt_keys: list[str] = ()
) -> RemovalProof:
    """Check a removal's C2SP tlog-proof (docs/feed-format.md, "Removal proofs") offline: its
    leaf (the `extra` line) is a remove entry, included at `index` in the checkpoint, which the
    bank signed; returns the receipts by `receipt_keys` (each checked) that it carries."""
    try:
        parsed = proof.Proof.parse(text)
        cosigners = [cosignature.CosignatureVerifier.parse(k) for k in receipt_keys]
        if parsed.extra is None:
            raise VerificationError("proof: no extra line with the entry's leaf")
        entry = leaves.decode(parsed.extra)
        if entry.kind != leaves.REMOVE:
            raise VerificationError("proof: the entry is not a remove entry")
        verified = proof.verify(
            parsed,
            leaf=parsed.extra,
            origin=root.origin,
            log_keys=list(root.keys),
            cosigners=cosigners,
        )
    except (proof.ProofError, cosignature.CosignatureError, leaves.LeafError) as exc:
        raise VerificationError(f"proof: {exc}") from None
    names = sorted({c.name for c in verified.cosignatures})
    return RemovalProof(root.origin, parsed.index, entry.target, verified.body.size, names)


def _read_root(paths: list[str], now: int | None = None) -> rootdoc.RootDocument:
    texts = [open(path).read() for path in paths]
    return trust_root(texts[0], texts[1:], now)


def read_policy(path: str) -> Policy:
    """A policy file, parsed; VerificationError (with the file and line) if it does not parse."""
    try:
        with open(path) as stream:
            return Policy.parse(stream.read())
    except PolicyError as exc:
        raise VerificationError(f"{path}: {exc}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hashbank-verify", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("root", help="verify a root document and its chain of later versions")
    p.add_argument("roots", nargs="+")
    p = sub.add_parser("checkpoint", help="verify a signed checkpoint")
    p.add_argument("--root", action="append", required=True)
    p.add_argument("checkpoint")
    p = sub.add_parser("snapshot", help="verify a snapshot")
    p.add_argument("--root", action="append", required=True)
    p.add_argument("snapshot")
    p = sub.add_parser("entries", help="verify an entries page on top of a snapshot")
    p.add_argument("--root", action="append", required=True)
    p.add_argument("--snapshot", required=True)
    p.add_argument("page")
    p.add_argument("checkpoint")
    p = sub.add_parser("proof", help="verify a removal's tlog-proof and the receipts it carries")
    p.add_argument("--root", action="append", required=True)
    p.add_argument(
        "--receipt-key",
        action="append",
        default=[],
        metavar="VKEY",
        help="a member's receipt key (name+hexkeyid+base64): check and list its receipt",
    )
    p.add_argument(
        "--at",
        type=int,
        metavar="UNIX_TIME",
        help="check the root documents as of this time (an old proof under a since-expired root)",
    )
    p.add_argument("proof")
    for command in ("checkpoint", "snapshot", "entries"):
        sub.choices[command].add_argument(
            "--policy",
            metavar="FILE",
            help="a C2SP tlog-policy file: checkpoints must meet its witness quorum",
        )
    args = parser.parse_args(argv)
    try:
        policy = read_policy(args.policy) if getattr(args, "policy", None) else None
        if args.command == "root":
            root = _read_root(args.roots)
            print(f"ok: root version {root.version} for {root.origin}, {len(root.keys)} key(s)")
        elif args.command == "checkpoint":
            signed = open(args.checkpoint).read()
            cp = verify_checkpoint(signed, _read_root(args.root), policy=policy)
            witnessed = (
                f", cosigned by {', '.join(check_quorum(signed, policy)) or 'none'}"
                if policy
                else ""
            )
            print(f"ok: checkpoint {cp.origin} size {cp.size}, {cp.active_count} active{witnessed}")
        elif args.command == "proof":
            done = verify_removal_proof(
                open(args.proof).read(), _read_root(args.root, args.at), args.receipt_key
            )
            print(
                f"ok: entry {done.index} removes entry {done.target} of {done.origin}, in the "
                f"tree of size {done.size}; applied by: {', '.join(done.receipts) or 'none shown'}"
            )
        elif args.command == "snapshot":
            with open(args.snapshot, "rb") as stream:
                state = verify_snapshot(
                    _read_root(args.root), wire.SnapshotReader(stream), policy=policy
                )
            print(f"ok: snapshot at size {state.size}, {state.active.count} active")
        else:
            with open(args.snapshot, "rb") as stream:
                state = verify_snapshot(
                    _read_root(args.root),
                    wire.SnapshotReader(stream),
                    policy=policy,
                    require_quorum=False,  # the page's checkpoint must meet it
                )
            with open(args.page, "rb") as page:
                state = apply_entries_page(state, open(args.checkpoint).read(), page.read())
            print(f"ok: entries verified up to size {state.size}, {state.active.count} active")
    except (VerificationError, wire.WireError, OSError) as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A python-threatexchange `SignalExchangeAPI` for a hashbank: fetches the signed feed, verifies
it (root-of-trust chain, checkpoint signatures, Merkle root, active-set digest) with
member_portal.verify, and maps it onto threatexchange's PDQ and video MD5 signal types.

Records are keyed by the sequence number of the add entry that published them; a remove entry
names that number, so a removal becomes `{seq: None}`, which deletes the record in
threatexchange's store (and HMA's). Nothing is yielded before it has been verified; the
checkpoint (a small JSON-able dataclass) carries the verified state from one fetch to the next.
Each fetch starts by acknowledging the checkpoint it is handed back (the state threatexchange
persisted after the last fetch's records were applied): a signed receipt with `receipt_key_file`,
else a plain ack, so the bank's `GET /api/v1/sync` moves.
With `policy_file` set (a C2SP tlog-policy file), every checkpoint must also carry the witness
cosignatures its quorum asks for, or the fetch fails and stores nothing.

Every other origin the bank carries (its peers' logs, docs/federation.md) that the `origins`
allow-list allows is fetched after the bank's own, each verified with its own keys as the
reference client does (member_portal/client/origins.py): first trust from the bank's signed
origins list (checked with the bank's verified keys) or a pinned root (`pin_roots`), then only
the origin's own root chain; its witness policy from `origin_policies`. Its records are keyed
`<origin id>:<seq>` (the bank's own keep `<seq>`) and name their origin; its state travels in
the checkpoint's `origins` (JSON, one checkpoint per origin id). An origin whose data fails
verification is frozen in that state at its last good size; the others go on.

Freshness, per origin, by the reference client's rule (member_portal/client/origins.py
`Freshness`, the same `review_after` and `off_after` defaults): once an origin's newest verified
checkpoint is `review_after` old its records are review-only (metadata `freshness` "review", the
opinion an INVESTIGATION_SEED tagged `stale_origin`, whatever the tier), and once `off_after`
old they are deleted (an off origin is not matched); a fresh checkpoint brings them back. The
verdict every record of an origin carries is kept in its checkpoint (`freshness`); when a fetch
finds another verdict, that origin's records are fetched again from its snapshot with the new
one (records are keyed by seq, and only the bank's snapshot lists them).

No `from __future__ import annotations` here: threatexchange's CLI reads the config dataclass's
field types at run time to build its command-line options.
"""

import base64
import dataclasses
import gzip
import io
import json
import shutil
import tempfile
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

from threatexchange.exchanges import auth, signal_exchange_api
from threatexchange.exchanges import fetch_state as state
from threatexchange.exchanges.collab_config import CollaborationConfigWithDefaults
from threatexchange.signal_type.md5 import VideoMD5Signal
from threatexchange.signal_type.pdq.signal import PdqSignal
from threatexchange.signal_type.signal_base import SignalType

from member_portal.client import origins as origin_rules
from member_portal.client.bank import Bank, BankError
from member_portal.client.origins import OriginFilter, anchor_for, carried_origins
from member_portal.client.sync import ClientError, follow_roots, send_acknowledgement
from member_portal.feed import cosignature, merkle, rootdoc, wire
from member_portal.feed import leaf as leaves
from member_portal.feed.activeset import ActiveSet
from member_portal.feed.lthash import LtHash
from member_portal.feed.origins import as_origin_id, origin_id
from member_portal.feed.policy import Policy, PolicyError
from member_portal.feed.setdigest import SetDigest
from member_portal.verify import (
    FeedState,
    VerificationError,
    apply_entries,
    trust_root,
    verify_checkpoint,
    verify_snapshot,
)

API_NAME = "hashbank"
CHUNK = 100_000  # records per FetchDelta while bootstrapping
MIN_QUALITY = 50
# Our signal types -> threatexchange's (phash has no threatexchange type and is skipped).
TX_TYPES: dict[str, type[SignalType]] = {"pdq": PdqSignal, "md5": VideoMD5Signal}


@dataclass
class HashbankCollabConfig(CollaborationConfigWithDefaults):
    base_url: str = field(
        default="", metadata={"help": "the bank's URL, e.g. https://bank.example"}
    )
    root_file: str = field(
        default="",
        metadata={
            "help": "the bank's root document, obtained out of band; trusted on the first fetch"
        },
    )
    policy_file: str = field(
        default="",
        metadata={"help": "a C2SP tlog-policy file: refuse checkpoints without its witness quorum"},
    )
    origins: str = field(
        default="",
        metadata={
            "help": "comma-separated origins (or origin ids) this exchange may fetch, `!ORIGIN` "
            "to deny one; empty: every origin the bank carries"
        },
    )
    pin_roots: str = field(
        default="",
        metadata={
            "help": "comma-separated root document files of carried origins, trusted on their "
            "first fetch instead of the bank's signed origins list"
        },
    )
    origin_policies: str = field(
        default="",
        metadata={
            "help": "comma-separated ORIGIN=FILE: a C2SP tlog-policy file for a carried "
            "origin's witnesses"
        },
    )
    receipt_key_file: str = field(
        default="",
        metadata={
            "help": "your receipt key file (hashbank-member receipt-key): acknowledge the state "
            "threatexchange stored with a signed receipt instead of a plain ack"
        },
    )
    review_after: int = field(
        default=origin_rules.REVIEW_AFTER,
        metadata={
            "help": "seconds: an origin's records are review-only once its newest verified "
            "checkpoint is this old (default 72 h, as hashbank-member --review-after)"
        },
    )
    off_after: int = field(
        default=origin_rules.OFF_AFTER,
        metadata={
            "help": "seconds: an origin's records are deleted (not matched) once its newest "
            "verified checkpoint is this old (default 30 days, as hashbank-member --off-after)"
        },
    )
    api: str = field(init=False, default=API_NAME)

    def freshness_rule(self) -> origin_rules.Freshness:
        """The reference client's freshness rule with this exchange's limits."""
        try:
            return origin_rules.Freshness(self.review_after, self.off_after)
        except ClientError as exc:
            raise VerificationError(str(exc)) from None

    def allows(self, origin: str) -> bool:
        return OriginFilter.parse(self.origins).allows(origin)

    def pins(self) -> dict[str, str]:
        """{origin id: root document} of the `pin_roots` files (each checked as a first root)."""
        pins = {}
        for item in filter(None, (i.strip() for i in self.pin_roots.split(","))):
            text = Path(item).expanduser().read_text()
            try:
                pins[origin_id(rootdoc.verify_first(text).origin)] = text
            except rootdoc.RootError as exc:
                raise VerificationError(f"{item}: {exc}") from None
        return pins

    def policies(self) -> dict[str, Policy]:
        policies = {}
        for item in filter(None, (i.strip() for i in self.origin_policies.split(","))):
            origin, sep, path = item.partition("=")
            if not sep:
                raise VerificationError("origin_policies takes ORIGIN=FILE")
            try:
                text = Path(path).expanduser().read_text()
                policies[as_origin_id(origin.strip())] = Policy.parse(text)
            except PolicyError as exc:
                raise VerificationError(f"{path}: {exc}") from None
        return policies

    def receipt_key(self) -> cosignature.Cosigner | None:
        if not self.receipt_key_file:
            return None
        path = Path(self.receipt_key_file).expanduser()
        try:
            return cosignature.Cosigner.parse(path.read_text())
        except cosignature.CosignatureError as exc:
            raise VerificationError(f"{path}: {exc}") from None

    def policy(self) -> Policy | None:
        """The pinned witness policy, read at every fetch (None when no file is set)."""
        if not self.policy_file:
            return None
        path = Path(self.policy_file).expanduser()
        try:
            return Policy.parse(path.read_text())
        except PolicyError as exc:
            raise VerificationError(f"{path}: {exc}") from None


@dataclass
class HashbankCredentials(auth.CredentialHelper):
    ENV_VARIABLE: t.ClassVar[str] = "TX_HASHBANK_TOKEN"
    FILE_NAME: t.ClassVar[str] = "~/.tx_hashbank_token"

    token: str = field(metadata={"help": "a member credential (hbk_...) with the feed:read scope"})

    @classmethod
    def _from_str(cls, s: str) -> "HashbankCredentials":
        return cls(token=s.strip())

    def _are_valid(self) -> bool:
        return self.token.startswith("hbk_")


@dataclass
class HashbankCheckpoint(state.FetchCheckpointBase):
    """The verified state after a fetch. `complete` is False only between the chunks of a
    bootstrap: if that fetch is abandoned, the checkpoint is stale and the next fetch starts over."""

    size: int
    note: str
    root: str
    compact_range: str  # base64 of the compact range's hashes
    active_count: int
    active_digest: str  # base64
    time: int
    complete: bool = True
    # The active set's LtHash16 state (base64 of 2048 bytes) and whether the log has switched to
    # state entries. Empty in a checkpoint stored before state commitments: that one is stale, and
    # the next fetch bootstraps again (the records to recompute the state are not ours to read).
    lthash: str = ""
    switched: bool = False
    # The review tiers the state commitment covers: JSON {add seq: basis code} of the signals a
    # tier entry confirmed (or took back); the others are unreviewed.
    tiers: str = ""
    # The carried origins' states: JSON {origin id: this dataclass's fields for that origin,
    # "frozen": reason once its data failed verification}. Empty before carried origins.
    origins: str = ""
    # The freshness verdict (fresh, review; off: none kept) every record of this origin carries.
    freshness: str = origin_rules.FRESH

    def is_stale(self) -> bool:
        return not self.complete or not self.lthash

    def carried(self) -> dict[str, dict]:
        return json.loads(self.origins or "{}")

    def with_carried(self, carried: dict[str, dict]) -> "HashbankCheckpoint":
        return dataclasses.replace(self, origins=json.dumps(carried, sort_keys=True))

    @classmethod
    def none(cls) -> "HashbankCheckpoint":
        """No state of the bank's own origin (it is not allowed, or not fetched yet)."""
        return cls(0, "", "", "", 0, "", 0, False)

    def get_progress_timestamp(self) -> int | None:
        return self.time

    @classmethod
    def of(cls, feed: FeedState, *, complete: bool = True) -> "HashbankCheckpoint":
        return cls(
            feed.size,
            feed.note,
            feed.root.signed,
            base64.b64encode(feed.compact_range.to_bytes()).decode(),
            feed.active.count,
            base64.b64encode(feed.active.digest()).decode(),
            feed.checkpoint.time,
            complete,
            base64.b64encode(feed.active.lthash.to_bytes()).decode(),
            feed.active.switched,
            json.dumps({str(seq): basis for seq, basis in feed.active.tiers.items()}),
        )

    def as_carried(self) -> dict:
        return {k: v for k, v in dataclasses.asdict(self).items() if k != "origins"}

    def feed_state(self, policy: Policy | None = None) -> FeedState:
        """The stored state, with `policy` for the checkpoints that follow (the stored one met
        the policy of its own fetch: only the bank's signature is re-checked)."""
        root = rootdoc.verify_first(self.root)
        checkpoint = verify_checkpoint(self.note, root)
        compact = merkle.CompactRange.from_bytes(self.size, base64.b64decode(self.compact_range))
        lthash = LtHash.from_bytes(self.active_count, base64.b64decode(self.lthash))
        legacy = (
            None
            if self.switched
            else SetDigest.from_digest(self.active_count, base64.b64decode(self.active_digest))
        )
        tiers = {int(seq): basis for seq, basis in json.loads(self.tiers or "{}").items()}
        active = ActiveSet(lthash, legacy, self.switched, tiers)
        return FeedState(root, checkpoint, self.note, compact, active, policy)


@dataclass
class HashbankSignalMetadata(state.FetchedSignalMetadata):
    signal_type: str  # threatexchange's name: "pdq" or "video_md5"
    signal_value: str
    seq: int  # the add entry in the bank's ledger
    quality: int | None = None
    origin: str = ""  # the origin log that holds the add entry (empty in records stored before)
    # The review tier (docs/member-guide.md): "unreviewed" until corroborated, then "confirmed",
    # with the basis (member_report, second_case, caseworker_review) of the tier entry.
    tier: str = leaves.UNREVIEWED
    basis: str | None = None
    # The origin's freshness (the reference client's rule): "review" once its newest verified
    # checkpoint is `review_after` old; an origin `off_after` old has no records at all.
    freshness: str = origin_rules.FRESH

    def get_as_opinions(self) -> t.Sequence[state.SignalOpinion]:
        # Every signal in the feed is a victim's (or a helpline's) report of their own image. An
        # unreviewed one is a lead to check by a person (INVESTIGATION_SEED), never a verdict for
        # automatic removal; a confirmed one is the positive class, unless its origin is stale
        # (it may have missed withdrawals): then it too goes to a person.
        stale = self.freshness == origin_rules.REVIEW
        category = (
            state.SignalOpinionCategory.POSITIVE_CLASS
            if self.tier == leaves.CONFIRMED and not stale
            else state.SignalOpinionCategory.INVESTIGATION_SEED
        )
        tags = {"ncii", self.tier} | ({"stale_origin"} if stale else set())
        return [state.SignalOpinion(False, category, tags)]


Updates = dict[str, HashbankSignalMetadata | None]


class HashbankSignalExchangeAPI(
    auth.SignalExchangeWithAuth[HashbankCollabConfig, HashbankCredentials],
    signal_exchange_api.SignalExchangeAPI[
        HashbankCollabConfig,
        HashbankCheckpoint,
        HashbankSignalMetadata,
        str,
        HashbankSignalMetadata,
    ],
):
    """Fetch a hashbank's signed feed: a snapshot first, then deltas, all verified."""

    def __init__(self, collab: HashbankCollabConfig, bank: Bank) -> None:
        self.collab = collab
        self.bank = bank

    @classmethod
    def get_name(cls) -> str:
        return API_NAME

    @classmethod
    def fetch_value_merge(
        cls, old: HashbankSignalMetadata | None, new: HashbankSignalMetadata | None
    ) -> HashbankSignalMetadata | None:
        """A tier entry's update carries no value (`signal_value` empty): it changes the tier of
        the record fetched before; any other update replaces the record."""
        if new is not None and not new.signal_value:
            if old is None:
                return None
            return dataclasses.replace(old, tier=new.tier, basis=new.basis)
        return new

    @staticmethod
    def get_config_cls() -> type[HashbankCollabConfig]:
        return HashbankCollabConfig

    @staticmethod
    def get_checkpoint_cls() -> type[HashbankCheckpoint]:
        return HashbankCheckpoint

    @staticmethod
    def get_record_cls() -> type[HashbankSignalMetadata]:
        return HashbankSignalMetadata

    @staticmethod
    def get_credential_cls() -> type[HashbankCredentials]:
        return HashbankCredentials

    @classmethod
    def for_collab(
        cls, collab: HashbankCollabConfig, credentials: HashbankCredentials | None = None
    ) -> "HashbankSignalExchangeAPI":
        credentials = credentials or HashbankCredentials.get(cls)
        return cls(collab, Bank(collab.base_url, credentials.token))

    @classmethod
    def naive_convert_to_signal_type(
        cls,
        signal_types: t.Sequence[type[SignalType]],
        collab: HashbankCollabConfig,
        fetched: t.Mapping[str, HashbankSignalMetadata | None],
    ) -> dict[type[SignalType], dict[str, HashbankSignalMetadata]]:
        wanted = {s.get_name(): s for s in signal_types}
        converted: dict[type[SignalType], dict[str, HashbankSignalMetadata]] = {}
        for record in fetched.values():
            if record is None or record.signal_type not in wanted or not record.signal_value:
                continue
            if record.quality is not None and record.quality < MIN_QUALITY:
                continue  # unreliable PDQ: never indexed
            converted.setdefault(wanted[record.signal_type], {})[record.signal_value] = record
        return converted

    def fetch_iter(
        self,
        supported_signal_types: t.Sequence[type[SignalType]],
        checkpoint: HashbankCheckpoint | None,
    ) -> t.Iterator[state.FetchDelta[str, HashbankSignalMetadata, HashbankCheckpoint]]:
        policy = self.collab.policy()
        rule = self.collab.freshness_rule()
        carried = checkpoint.carried() if checkpoint is not None else {}
        own_trusted = checkpoint is not None and bool(checkpoint.root)
        trusted = checkpoint.root if own_trusted else self._root_text()
        carrier = follow_roots(trust_root(trusted), self.bank.roots())
        current = checkpoint if own_trusted else HashbankCheckpoint.none()
        if self.collab.allows(carrier.origin):
            if not current.is_stale():
                # threatexchange (and HMA) store a fetch's state only after the fetch returned
                # and its records were applied: the checkpoint handed back is what we may say we
                # applied.
                send_acknowledgement(
                    self.bank, current.note, current.size, self.collab.receipt_key()
                )
            booted = current.is_stale()
            if booted:
                feed, grade = yield from self._bootstrap(
                    self.bank, self._root_text(), policy, carried, rule
                )
            else:
                feed, grade = current.feed_state(policy), current.freshness
            feed = FeedState(
                follow_roots(feed.root, self.bank.roots()),
                feed.checkpoint,
                feed.note,
                feed.compact_range,
                feed.active,
                policy,
            )
            carrier = feed.root
            try:
                delta = self._delta(self.bank, feed, str)
            except BankError as exc:
                if exc.code != "no_checkpoint":
                    raise
                # A bank whose own log is still empty may carry others' already.
            else:
                verdict = rule.verdict(delta.checkpoint.time, origin_rules.now())
                if verdict != grade and not booted:
                    # The records fetched before carry another verdict: all of them again.
                    feed, grade = yield from self._bootstrap(
                        self.bank, feed.root.signed, policy, carried, rule, grade=verdict
                    )
                    delta = self._delta(self.bank, feed, str)
                delta = _graded(delta, grade)
                current = delta.checkpoint.with_carried(carried)
                yield dataclasses.replace(delta, checkpoint=current)
        yield from self._carried(carrier, current, carried)

    def _carried(
        self, carrier: rootdoc.RootDocument, current: HashbankCheckpoint, carried: dict
    ) -> t.Iterator[state.FetchDelta]:
        """Every other origin the bank carries that the allow-list allows, one delta each, its
        state in the checkpoint's `origins` (with the states of the others as they are)."""
        try:
            infos, listed = carried_origins(self.bank, carrier)
        except BankError:
            return  # the carrier cannot list its origins now: the carried ones stay as they are
        pins, policies = self.collab.pins(), self.collab.policies()
        for info in infos:
            oid = info["id"]
            if info.get("local") or not self.collab.allows(info["origin"]):
                continue
            if listed.entry(oid) is None or oid != origin_id(info["origin"]):
                continue  # not in the signed list: never trusted
            if carried.get(oid, {}).get("frozen"):
                continue  # its data failed verification before: kept at its last good size
            try:
                deltas = list(self._fetch_origin(info, listed, pins, policies.get(oid), carried))
            except (VerificationError, rootdoc.RootError) as exc:
                carried = {**carried, oid: {**carried.get(oid, {}), "frozen": str(exc)}}
                current = current.with_carried(carried)
                yield state.FetchDelta({}, current)
                continue
            except BankError:
                continue  # down or refusing: its records stay as they are
            for updates, origin_checkpoint in deltas:
                carried = {**carried, oid: origin_checkpoint.as_carried()}
                current = current.with_carried(carried)
                yield state.FetchDelta(updates, current)

    def _fetch_origin(
        self,
        info: dict,
        listed,
        pins: dict[str, str],
        policy: Policy | None,
        carried: dict,
    ) -> list[tuple[Updates, HashbankCheckpoint]]:
        """(updates, that origin's checkpoint) of one carried origin, all verified before any is
        returned (a failure raises and returns nothing)."""
        oid = info["id"]
        bank = self.bank.at_origin(oid)
        stored = carried.get(oid)
        previous = HashbankCheckpoint(**stored) if stored else None

        def key(seq: int) -> str:
            return f"{oid}:{seq}"

        rule = self.collab.freshness_rule()
        found: list[tuple[Updates, HashbankCheckpoint]] = []

        def bootstrap(anchor: str, grade: str | None = None) -> tuple[FeedState, str]:
            boot = self._bootstrap(bank, anchor, policy, {}, rule, key, grade=grade)
            try:
                while True:
                    delta = next(boot)
                    found.append((delta.updates, delta.checkpoint))
            except StopIteration as done:
                return done.value

        booted = previous is None or previous.is_stale()
        if booted:
            anchor, _how = anchor_for(info, listed, pins)
            if rootdoc.parse(anchor).origin != info["origin"]:
                raise VerificationError("its root document is for another origin")
            feed, grade = bootstrap(anchor)
        else:
            feed, grade = previous.feed_state(policy), previous.freshness
        feed = FeedState(
            follow_roots(feed.root, bank.roots()),
            feed.checkpoint,
            feed.note,
            feed.compact_range,
            feed.active,
            policy,
        )
        delta = self._delta(bank, feed, key)
        verdict = rule.verdict(delta.checkpoint.time, origin_rules.now())
        if verdict != grade and not booted:
            # The records fetched before carry another verdict: all of them again.
            feed, grade = bootstrap(feed.root.signed, verdict)
            delta = self._delta(bank, feed, key)
        delta = _graded(delta, grade)
        found.append((delta.updates, delta.checkpoint))
        return found

    def _root_text(self) -> str:
        return Path(self.collab.root_file).expanduser().read_text()

    def _bootstrap(
        self,
        bank: Bank,
        root_text: str,
        policy: Policy | None,
        carried: dict,
        rule: origin_rules.Freshness,
        key: t.Callable[[int], str] = str,
        grade: str | None = None,
    ):
        """Yield the origin's snapshot's records (verified first), graded by `grade` or else
        by `rule` on its latest checkpoint; return (its state, the grade)."""
        root = follow_roots(trust_root(root_text), bank.roots())
        if policy is not None or grade is None:
            # Refuse an unwitnessed bank before a snapshot is downloaded or a record yielded;
            # the latest checkpoint's age grades the records (a snapshot's may be older).
            try:
                latest = verify_checkpoint(bank.checkpoint(), root, policy=policy)
            except BankError as exc:
                if exc.code != "no_checkpoint":
                    raise
                return FeedState(root, policy=policy), origin_rules.FRESH  # nothing to yield
            if grade is None:
                grade = rule.verdict(latest.time, origin_rules.now())
        try:
            response, _ = bank.snapshot()
        except BankError as exc:
            if exc.code not in ("no_snapshot", "not_found"):
                raise
            return FeedState(root, policy=policy), grade  # a young bank: the delta replays
        with tempfile.TemporaryFile() as raw, response:
            # Keep the download to read it twice: verify everything first, then hand it over.
            shutil.copyfileobj(response, raw, 1 << 20)
            raw.seek(0)
            try:
                # The snapshot's checkpoint is held to the quorum too (a bank with a witness
                # policy builds snapshots only from checkpoints its witnesses cosigned).
                feed = verify_snapshot(root, wire.SnapshotReader(_unzip(raw)), policy=policy)
                raw.seek(0)
                reader = wire.SnapshotReader(_unzip(raw))
            except (OSError, EOFError, wire.WireError) as exc:
                raise VerificationError(f"snapshot: {exc}") from None
            partial = HashbankCheckpoint.of(feed, complete=False).with_carried(carried)
            updates: Updates = {}
            for record in reader.records():
                row = _metadata(
                    record.seq,
                    record.signal_type,
                    record.quality,
                    record.value,
                    root.origin,
                    record.basis_code,
                )
                if row is not None:
                    updates[key(record.seq)] = row
                if len(updates) >= CHUNK:
                    yield _graded(state.FetchDelta(updates, partial), grade)
                    updates = {}
        done = state.FetchDelta(updates, HashbankCheckpoint.of(feed).with_carried(carried))
        yield _graded(done, grade)
        return feed, grade

    def _delta(self, bank: Bank, feed: FeedState, key: t.Callable[[int], str]) -> state.FetchDelta:
        signed = bank.checkpoint()
        try:
            claimed = int(signed.split("\n", 2)[1])
        except (IndexError, ValueError):
            raise VerificationError("checkpoint: not a checkpoint") from None
        records: list[tuple[bytes, bytes]] = []
        if claimed > feed.size:
            for page in bank.entries_pages(feed.size, claimed):
                try:
                    _start, page_records = wire.decode_entries(page)
                except wire.WireError as exc:
                    raise VerificationError(f"entries: {exc}") from None
                records.extend(page_records)
        new_feed = apply_entries(feed, signed, records, feed.size)  # raises unless all verifies
        origin = feed.root.origin
        updates: Updates = {}
        for offset, (raw, payload) in enumerate(records):
            entry = leaves.decode(raw)
            if entry.is_state:
                continue  # verified by apply_entries; it changes no signal
            if entry.is_add:
                p = wire.decode_payload(payload)
                row = p and _metadata(
                    feed.size + offset, entry.signal_type, p.quality, p.value, origin
                )
                if row is not None:
                    updates[key(feed.size + offset)] = row
            elif entry.is_tier:
                target = key(entry.target)
                added = updates.get(target)
                if added is not None:  # added in this delta: the record carries its tier
                    updates[target] = dataclasses.replace(added, tier=entry.tier, basis=entry.basis)
                else:  # a tier change of a record fetched before (fetch_value_merge)
                    tx_type = TX_TYPES.get(entry.signal_type)
                    if tx_type is not None:
                        updates[target] = HashbankSignalMetadata(
                            tx_type.get_name(),
                            "",
                            entry.target,
                            None,
                            origin,
                            entry.tier,
                            entry.basis,
                        )
            else:
                updates[key(entry.target)] = None
        return state.FetchDelta(updates, HashbankCheckpoint.of(new_feed))


def _graded(delta: state.FetchDelta, grade: str) -> state.FetchDelta:
    """`delta` with its records marked with the origin's freshness verdict and the verdict in
    its checkpoint; an off origin's records are deleted (the same keys, each None)."""
    if grade == origin_rules.OFF:
        updates = dict.fromkeys(delta.updates)
    else:
        updates = {
            k: v if v is None else dataclasses.replace(v, freshness=grade)
            for k, v in delta.updates.items()
        }
    return state.FetchDelta(updates, dataclasses.replace(delta.checkpoint, freshness=grade))


def _unzip(raw: t.BinaryIO) -> t.BinaryIO:
    # The reader asks for a few bytes at a time: a big buffer keeps that cheap.
    return io.BufferedReader(gzip.GzipFile(fileobj=raw), 1 << 20)


def _metadata(
    seq: int, signal_type: str, quality: int | None, value: bytes, origin: str, basis_code: int = 0
) -> HashbankSignalMetadata | None:
    tx_type = TX_TYPES.get(signal_type)
    if tx_type is None or not value:
        return None
    return HashbankSignalMetadata(
        tx_type.get_name(),
        value.hex(),
        seq,
        quality,
        origin,
        leaves.tier_of(basis_code),
        leaves.BASIS_NAMES.get(basis_code),
    )

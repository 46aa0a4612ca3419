"""`python -m member_portal.client` (installed as `hashbank-member`): sync, match, status.

Exit codes (also in docs/member-toolkit.md):
    0  success; for `match`, at least one input matched
    1  `match` only: nothing matched
    2  usage or configuration error (missing --root, token, server, unreadable file)
    3  the bank's data failed verification; the sync stopped and the last good state is kept
    4  another client is using the state file
    5  the bank could not be reached or answered with an error
    6  the state file has not been synced yet (`status`, `match`)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from member_portal.client import origins
from member_portal.client.bank import Bank, BankError
from member_portal.client.store import StateLocked, Store
from member_portal.client.sync import ClientError, follow_roots, sync
from member_portal.feed import cosignature, note, rootdoc
from member_portal.feed.policy import Policy, PolicyError
from member_portal.verify import VerificationError, trust_root

OK, NO_MATCH, USAGE, UNVERIFIED, LOCKED, UNREACHABLE, NOT_SYNCED = range(7)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hashbank-member",
        description="Verifying sync client and matcher for a hashbank feed.",
        epilog="Exit codes: 0 ok/matched, 1 no match, 2 usage, 3 verification failed (state "
        "kept), 4 state file in use, 5 bank unreachable or error, 6 not synced yet.",
    )
    parser.add_argument(
        "--state",
        default=os.environ.get("HASHBANK_STATE", "hashbank-state.sqlite"),
        help="the SQLite state file (env HASHBANK_STATE; default ./hashbank-state.sqlite)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    sub = parser.add_subparsers(dest="command", required=True)

    # Which origins, and how fresh they must be (sync, match, status).
    carried = argparse.ArgumentParser(add_help=False)
    carried.add_argument(
        "--origins",
        default=os.environ.get("HASHBANK_ORIGINS"),
        help="comma-separated origins (or origin ids) to use; `!ORIGIN` leaves one out "
        "(env HASHBANK_ORIGINS; default: every origin the bank carries)",
    )
    carried.add_argument(
        "--review-after",
        type=int,
        default=int(os.environ.get("HASHBANK_REVIEW_AFTER") or origins.REVIEW_AFTER),
        metavar="SECONDS",
        help="an origin's matches are review-only once its newest verified checkpoint is this "
        "old (env HASHBANK_REVIEW_AFTER; default 72 h)",
    )
    carried.add_argument(
        "--off-after",
        type=int,
        default=int(os.environ.get("HASHBANK_OFF_AFTER") or origins.OFF_AFTER),
        metavar="SECONDS",
        help="an origin is not matched once its newest verified checkpoint is this old "
        "(env HASHBANK_OFF_AFTER; default 30 days)",
    )

    p = sub.add_parser(
        "sync", parents=[carried], help="bootstrap from a snapshot or apply the latest delta"
    )
    p.add_argument(
        "--server", default=os.environ.get("HASHBANK_URL"), help="bank URL (env HASHBANK_URL)"
    )
    p.add_argument(
        "--token-file", help="file holding the hbk_ credential (default: env HASHBANK_TOKEN)"
    )
    p.add_argument("--root", help="the bank's root document, trusted on the first sync only")
    p.add_argument(
        "--policy",
        metavar="FILE",
        help="a C2SP tlog-policy file: pin it (kept in the state file) and refuse checkpoints "
        "without its witness quorum",
    )
    p.add_argument(
        "--pin-root",
        action="append",
        default=[],
        metavar="FILE",
        help="a carried origin's root document: trusted (in place of the carrier's signed list) "
        "the first time that origin is synced",
    )
    p.add_argument(
        "--origin-policy",
        action="append",
        default=[],
        metavar="ORIGIN=FILE",
        help="a C2SP tlog-policy file for a carried origin's witnesses (pinned in its state)",
    )
    p.add_argument("--no-ack", action="store_true", help="do not acknowledge the checkpoint")
    p.add_argument(
        "--receipt-key",
        metavar="FILE",
        default=os.environ.get("HASHBANK_RECEIPT_KEY"),
        help="your receipt key (from `receipt-key`): acknowledge with a signed receipt "
        "(env HASHBANK_RECEIPT_KEY)",
    )
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: when stderr is a terminal)",
    )

    p = sub.add_parser(
        "match", parents=[carried], help="match files (or hash values) against the active set"
    )
    p.add_argument("files", nargs="*", type=Path)
    p.add_argument("--pdq", action="append", default=[], help="a PDQ hash (64 hex digits)")
    p.add_argument("--md5", action="append", default=[], help="an MD5 hash (32 hex digits)")
    p.add_argument("--threshold", type=int, default=31, help="PDQ Hamming distance (default 31)")
    p.add_argument("--min-quality", type=int, default=50, help="PDQ quality floor (default 50)")

    sub.add_parser("status", parents=[carried], help="what the state file holds")

    p = sub.add_parser("receipt-key", help="make a receipt key; prints the key to register")
    p.add_argument("name", help="the key's name, e.g. receipts.platform.example/hashbank")
    p.add_argument("--out", required=True, type=Path, help="where to write the private key")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "receipt-key":  # needs no state file
            return _receipt_key(args)
        with Store(args.state) as store:
            return {"sync": _sync, "match": _match, "status": _status}[args.command](args, store)
    except StateLocked as exc:
        return _fail(args, "locked", str(exc), LOCKED)
    except VerificationError as exc:
        return _fail(
            args, "verification_failed", f"{exc} (the last good state is kept)", UNVERIFIED
        )
    except BankError as exc:
        return _fail(args, "bank_error", str(exc), UNREACHABLE)
    except ClientError as exc:
        return _fail(args, "usage", str(exc), USAGE)


def _fail(args, code: str, message: str, status: int) -> int:
    if args.json:
        print(json.dumps({"error": {"code": code, "message": message}}))
    print(f"hashbank-member: {message}", file=sys.stderr)
    return status


def _read(path: str, what: str) -> str:
    try:
        return Path(path).read_text().strip("\ufeff")
    except OSError as exc:
        raise ClientError(f"cannot read the {what} {path}: {exc.strerror}") from None


def _sync(args, store: Store) -> int:
    if not args.server:
        raise ClientError("no bank URL: pass --server or set HASHBANK_URL")
    token = (
        _read(args.token_file, "token file").strip()
        if args.token_file
        else os.environ.get("HASHBANK_TOKEN", "")
    )
    if not token:
        raise ClientError("no credential: pass --token-file or set HASHBANK_TOKEN")
    root = _read(args.root, "root document") if args.root else None
    try:
        policy = Policy.parse(_read(args.policy, "policy file")) if args.policy else None
    except PolicyError as exc:
        raise ClientError(f"{args.policy}: {exc}") from None
    only = origins.OriginFilter.parse(args.origins)
    pins = _pins(args.pin_root)
    policies = _origin_policies(args.origin_policy)
    show = args.progress if args.progress is not None else (sys.stderr.isatty() and not args.json)
    bank = Bank(args.server, token)
    try:
        result = sync(
            store,
            bank,
            root_text=root,
            policy=policy,
            progress=_progress_bar if show else None,
            acknowledge=not args.no_ack,
            receipt_key=_cosigner(args.receipt_key) if args.receipt_key else None,
        )
        carrier_root = store.load().root
    except BankError as exc:
        # A carrier whose own log is still empty may carry other origins: its root chain is
        # enough to check its signed origins list (and is kept for no longer than this run).
        if exc.code != "no_checkpoint" or store.load() is not None or root is None:
            raise
        carrier_root, result, empty = follow_roots(trust_root(root), bank.roots()), None, exc
    carrier = carrier_root.origin
    outcomes = [
        origins.OriginOutcome(
            carrier, origins.origin_id(carrier), True, result, "" if result else "no checkpoint"
        ),
        *origins.sync_carried(
            Path(args.state), carrier_root, bank, only=only, pins=pins, policies=policies
        ),
    ]
    if result is None and len(outcomes) == 1:
        raise empty  # a bank that carries nothing but its own, empty, log: as before
    if args.json:
        summary = result.as_dict() if result else {}
        print(json.dumps({**summary, "origins": [o.as_dict() for o in outcomes]}))
    else:
        for outcome in outcomes:
            _print_outcome(outcome)
    for outcome in outcomes:
        if outcome.error:
            print(f"hashbank-member: {outcome.origin}: {outcome.error}", file=sys.stderr)
    return OK


def _print_outcome(outcome: origins.OriginOutcome) -> None:
    result = outcome.result
    if result is None:
        why = outcome.skipped or outcome.error
        print(f"{outcome.origin}: not synced ({why})")
        return
    how = "bootstrapped" if result.bootstrapped else "synced"
    frozen = f" FROZEN ({outcome.frozen_reason})" if outcome.frozen else ""
    print(
        f"{outcome.origin}: {how}: tree size {result.old_size} -> {result.size}, "
        f"+{result.added} -{result.removed}, {result.active} active signals, verified in "
        f"{result.seconds:.2f} s{frozen}"
    )


def _pins(paths: list[str]) -> dict[str, str]:
    """{origin id: root document} from --pin-root files (each checked as a first root)."""
    pins = {}
    for path in paths:
        text = _read(path, "pinned root document")
        try:
            pins[origins.origin_id(rootdoc.verify_first(text).origin)] = text
        except (rootdoc.RootError, ValueError) as exc:
            raise ClientError(f"{path}: not a root document: {exc}") from None
    return pins


def _origin_policies(items: list[str]) -> dict[str, Policy]:
    policies = {}
    for item in items:
        origin, sep, path = item.rpartition("=")
        if not sep or not origin:
            raise ClientError("--origin-policy takes ORIGIN=FILE")
        try:
            policies[origins.as_origin_id(origin)] = Policy.parse(_read(path, "policy file"))
        except PolicyError as exc:
            raise ClientError(f"{path}: {exc}") from None
    return policies


def _cosigner(path: str) -> cosignature.Cosigner:
    try:
        return cosignature.Cosigner.parse(_read(path, "receipt key"))
    except cosignature.CosignatureError as exc:
        raise ClientError(f"{path}: {exc}") from None


def _receipt_key(args) -> int:
    """A new Ed25519 receipt key: the private key to a new 0600 file, the verifier key (to
    register in the portal or at /api/v1/receipt-keys) on stdout."""
    try:
        key = cosignature.Cosigner.generate(args.name)
    except note.NoteError as exc:
        raise ClientError(f"{args.name!r}: {exc}") from None
    try:
        fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise ClientError(f"cannot create {args.out}: {exc.strerror}") from None
    with os.fdopen(fd, "w") as out:
        out.write(f"{key}\n")
    vkey = str(key.verifier)
    print(json.dumps({"vkey": vkey}) if args.json else vkey)
    return OK


def _progress_bar(done: int, total: int) -> None:
    width = 30
    filled = width * done // total if total else width
    percent = 100 * done // total if total else 100
    end = "\n" if done >= total else ""
    print(
        f"\rsnapshot [{'#' * filled}{'.' * (width - filled)}] {percent:3d}% {done}/{total}",
        end=end,
        file=sys.stderr,
        flush=True,
    )


def _synced_state(store: Store):
    state = store.load()
    if state is None or state.checkpoint is None:
        return None
    return state


@dataclass
class OriginView:
    """One synced origin's store and verified state, as match and status use it."""

    origin: str
    id: str
    local: bool
    store: Store
    state: object  # FeedState
    meta: dict
    freshness: str

    @property
    def frozen(self) -> bool:
        return bool(self.meta["frozen_by"])


def _origins(args, store: Store, stack: ExitStack, state) -> list[OriginView]:
    """The carrier's origin and every carried origin synced so far, as `--origins` allows."""
    fresh = origins.Freshness(args.review_after, args.off_after)
    only = origins.OriginFilter.parse(args.origins)
    now = origins.now()
    views = []
    candidates = [(store, state, True)] if state is not None else []
    for path in origins.other_origin_paths(Path(args.state)):
        other = stack.enter_context(Store(path))
        other_state = _synced_state(other)
        if other_state is not None:
            candidates.append((other, other_state, False))
    for each, each_state, local in candidates:
        origin = each_state.checkpoint.origin
        if not only.allows(origin):
            continue
        verdict = fresh.verdict(each_state.checkpoint.time, now)
        views.append(
            OriginView(
                origin,
                origins.origin_id(origin),
                local,
                each,
                each_state,
                each.origin_meta(),
                verdict,
            )
        )
    return views


def _status(args, store: Store) -> int:
    state = _synced_state(store)
    if state is None and not origins.other_origin_paths(Path(args.state)):
        return _fail(args, "not_synced", f"{args.state} has not been synced yet", NOT_SYNCED)
    info = _state_info(store, state) if state is not None else {}
    now = origins.now()
    with ExitStack() as stack:
        listed = []
        for view in _origins(args, store, stack, state):
            listed.append(
                {
                    **_state_info(view.store, view.state),
                    "id": view.id,
                    "local": view.local,
                    "age_seconds": now - view.state.checkpoint.time,
                    "freshness": view.freshness,
                    "frozen": view.frozen,
                    "frozen_by": view.meta["frozen_by"],
                    "frozen_reason": view.meta["frozen_reason"],
                    "anchored_by": view.meta["anchored_by"] or ("root" if view.local else ""),
                }
            )
    info.update(
        origins=listed,
        freshness={"review_after": args.review_after, "off_after": args.off_after},
    )
    if args.json:
        print(json.dumps(info))
    else:
        for item in listed:
            age = now - item["synced_at"]
            flags = f" {item['freshness'].upper()}" if item["freshness"] != origins.FRESH else ""
            flags += " FROZEN" if item["frozen"] else ""
            print(
                f"{item['origin']} at tree size {item['size']}, {item['active']} active "
                f"({', '.join(f'{n} {t}' for t, n in sorted(item['by_type'].items()))}); "
                f"root version {item['root_version']}; last synced {age} s ago; checkpoint "
                f"{item['age_seconds']} s old{flags}"
            )
    return OK


def _state_info(store: Store, state) -> dict:
    return {
        "origin": state.checkpoint.origin,
        "size": state.size,
        "checkpoint_time": state.checkpoint.time,
        "active": state.active.count,
        "by_type": store.counts(),
        "root_version": state.root.version,
        "synced_at": store.synced_at(),
        "policy_quorum": (state.policy.quorum or "none") if state.policy else None,
    }


def _match(args, store: Store) -> int:
    # numpy and Pillow load only for `match`: `sync` and `status` start without them.
    from member_portal.client.hashing import hash_file
    from member_portal.client.matcher import Matcher

    state = _synced_state(store)
    if state is None and not origins.other_origin_paths(Path(args.state)):
        return _fail(args, "not_synced", f"{args.state} has not been synced yet", NOT_SYNCED)
    if not (args.files or args.pdq or args.md5):
        raise ClientError("nothing to match: give files, --pdq or --md5")
    queries = []  # (label, md5 or None, [(pdq, quality)])
    try:
        queries += [(f"md5:{v}", bytes.fromhex(v), []) for v in args.md5]
        queries += [(f"pdq:{v}", None, [(bytes.fromhex(v), None)]) for v in args.pdq]
    except ValueError:
        raise ClientError("--pdq and --md5 take hexadecimal values") from None
    if any(len(q[1] or b"") not in (0, 16) or any(len(h) != 32 for h, _ in q[2]) for q in queries):
        raise ClientError("a PDQ hash is 64 hex digits and an MD5 hash 32")
    for path in args.files:
        if not path.is_file():
            raise ClientError(f"no such file: {path}")
        hashes = hash_file(path)
        queries.append((str(path), hashes.md5, hashes.pdq))

    checkpoint = (
        {"origin": state.checkpoint.origin, "size": state.size, "time": state.checkpoint.time}
        if state is not None
        else None  # the carrier's own log is empty; its carried origins are matched
    )
    with ExitStack() as stack:
        views = _origins(args, store, stack, state)
        matchers = [
            (
                view,
                Matcher(
                    view.store.rows("pdq"),
                    ((seq, value) for seq, value, _ in view.store.rows("md5")),
                    threshold=args.threshold,
                    min_quality=args.min_quality,
                ),
            )
            for view in views
            if view.freshness != origins.OFF
        ]
        origin_notes = [
            f"{view.origin}: not matched, its newest verified checkpoint is "
            f"{origins.now() - view.state.checkpoint.time} s old"
            for view in views
            if view.freshness == origins.OFF
        ]
        results = []
        for label, md5, pdqs in queries:
            matches, notes = [], list(origin_notes)
            for _value, quality in pdqs:
                if quality is not None and quality < args.min_quality:
                    notes.append(f"PDQ quality {quality} is below {args.min_quality}: not matched")
            for view, matcher in matchers:
                found = matcher.match_md5(md5) if md5 is not None else []
                for value, quality in pdqs:
                    if quality is None or quality >= args.min_quality:
                        found += matcher.match_pdq(value)
                matches += [_named(_with_tier(view.store, m.as_dict()), view) for m in found]
            results.append(
                {
                    "input": label,
                    "md5": md5.hex() if md5 else None,
                    "pdq": [{"value": v.hex(), "quality": q} for v, q in pdqs],
                    "matched": bool(matches),
                    "matches": matches,
                    "notes": notes,
                    "checkpoint": checkpoint,
                }
            )
    if args.json:
        print(json.dumps({"results": results, "checkpoint": checkpoint}))
    else:
        for result in results:
            if not result["matches"]:
                print(f"no match  {result['input']}" + "".join(f" ({n})" for n in result["notes"]))
            for m in result["matches"]:
                review = "  REVIEW ONLY (stale origin)" if m["action"] == "review" else ""
                print(
                    f"MATCH  {result['input']}  {m['signal_type']} entry {m['seq']} distance "
                    f"{m['distance']}  origin {m['origin']} (checkpoint "
                    f"{m['checkpoint']['size']})  {m['tier']}: {m['route'].replace('_', ' ')}"
                    f"{review}"
                )
    return OK if any(r["matched"] for r in results) else NO_MATCH


# What a match of each review tier is for (docs/member-guide.md, "Review tiers"): an unreviewed
# signal was not corroborated yet, so its matches go to a person, never to automatic removal.
ROUTES = {"unreviewed": "human_review", "confirmed": "policy"}


def _with_tier(store: Store, match: dict) -> dict:
    tier, basis = store.tier(match["seq"])
    return {**match, "tier": tier, "basis": basis, "route": ROUTES[tier]}


def _named(match: dict, view: OriginView) -> dict:
    """A match with its provenance: the origin whose log holds the add entry `seq`."""
    return {
        **match,
        "origin": view.origin,
        "origin_id": view.id,
        "action": "review" if view.freshness == origins.REVIEW else "match",
        "frozen": view.frozen,
        "checkpoint": {
            "origin": view.origin,
            "size": view.state.size,
            "time": view.state.checkpoint.time,
        },
    }

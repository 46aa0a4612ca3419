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
import time
from pathlib import Path

from member_portal.client.bank import Bank, BankError
from member_portal.client.store import StateLocked, Store
from member_portal.client.sync import ClientError, sync
from member_portal.feed.policy import Policy, PolicyError
from member_portal.verify import VerificationError

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

    p = sub.add_parser("sync", help="bootstrap from a snapshot or apply the latest delta")
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
    p.add_argument("--no-ack", action="store_true", help="do not acknowledge the checkpoint")
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: when stderr is a terminal)",
    )

    p = sub.add_parser("match", help="match files (or hash values) against the active set")
    p.add_argument("files", nargs="*", type=Path)
    p.add_argument("--pdq", action="append", default=[], help="a PDQ hash (64 hex digits)")
    p.add_argument("--md5", action="append", default=[], help="an MD5 hash (32 hex digits)")
    p.add_argument("--threshold", type=int, default=31, help="PDQ Hamming distance (default 31)")
    p.add_argument("--min-quality", type=int, default=50, help="PDQ quality floor (default 50)")

    sub.add_parser("status", help="what the state file holds")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
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
    show = args.progress if args.progress is not None else (sys.stderr.isatty() and not args.json)
    result = sync(
        store,
        Bank(args.server, token),
        root_text=root,
        policy=policy,
        progress=_progress_bar if show else None,
        acknowledge=not args.no_ack,
    )
    if args.json:
        print(json.dumps(result.as_dict()))
    else:
        how = "bootstrapped" if result.bootstrapped else "synced"
        print(
            f"{how}: tree size {result.old_size} -> {result.size}, +{result.added} -{result.removed}, "
            f"{result.active} active signals, verified in {result.seconds:.2f} s"
        )
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


def _status(args, store: Store) -> int:
    state = _synced_state(store)
    if state is None:
        return _fail(args, "not_synced", f"{args.state} has not been synced yet", NOT_SYNCED)
    info = {
        "origin": state.checkpoint.origin,
        "size": state.size,
        "checkpoint_time": state.checkpoint.time,
        "active": state.active.count,
        "by_type": store.counts(),
        "root_version": state.root.version,
        "synced_at": store.synced_at(),
        "policy_quorum": (state.policy.quorum or "none") if state.policy else None,
    }
    if args.json:
        print(json.dumps(info))
    else:
        age = int(time.time()) - info["synced_at"]
        print(
            f"{info['origin']} at tree size {info['size']}, {info['active']} active "
            f"({', '.join(f'{n} {t}' for t, n in sorted(info['by_type'].items()))}); "
            f"root version {info['root_version']}; last synced {age} s ago"
        )
    return OK


def _match(args, store: Store) -> int:
    # numpy, Pillow and pdqhash load only for `match`: `sync` and `status` start without them.
    from member_portal.client.hashing import hash_file
    from member_portal.client.matcher import Matcher

    state = _synced_state(store)
    if state is None:
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

    matcher = Matcher(
        store.rows("pdq"),
        ((seq, value) for seq, value, _ in store.rows("md5")),
        threshold=args.threshold,
        min_quality=args.min_quality,
    )
    checkpoint = {
        "origin": state.checkpoint.origin,
        "size": state.size,
        "time": state.checkpoint.time,
    }
    results = []
    for label, md5, pdqs in queries:
        matches, notes = [], []
        if md5 is not None:
            matches += matcher.match_md5(md5)
        for value, quality in pdqs:
            if quality is not None and quality < args.min_quality:
                notes.append(f"PDQ quality {quality} is below {args.min_quality}: not matched")
                continue
            matches += matcher.match_pdq(value)
        results.append(
            {
                "input": label,
                "md5": md5.hex() if md5 else None,
                "pdq": [{"value": v.hex(), "quality": q} for v, q in pdqs],
                "matched": bool(matches),
                "matches": [_with_tier(store, m.as_dict()) for m in matches],
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
                print(
                    f"MATCH  {result['input']}  {m['signal_type']} entry {m['seq']} distance "
                    f"{m['distance']}  {m['tier']}: {m['route'].replace('_', ' ')}  "
                    f"(checkpoint {state.size})"
                )
    return OK if any(r["matched"] for r in results) else NO_MATCH


# What a match of each review tier is for (docs/member-guide.md, "Review tiers"): an unreviewed
# signal was not corroborated yet, so its matches go to a person, never to automatic removal.
ROUTES = {"unreviewed": "human_review", "confirmed": "policy"}


def _with_tier(store: Store, match: dict) -> dict:
    tier, basis = store.tier(match["seq"])
    return {**match, "tier": tier, "basis": basis, "route": ROUTES[tier]}

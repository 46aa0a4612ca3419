"""manage.py mirrors status [--json] | sync [--peer NAME]: the mirrored peer logs
(docs/federation.md). `sync` runs one sync now (what beat or the embedded scheduler runs),
ignoring the backoff of a failing peer."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from hashbank.mirrors import selectors, services
from hashbank.peers import selectors as peer_selectors


class Command(BaseCommand):
    help = "Show the mirrors of peer logs, or sync them now."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        status = sub.add_parser("status", help="per mirror: size, lag, witness, frozen, errors")
        status.add_argument("--json", action="store_true")
        sync = sub.add_parser("sync", help="sync every active peer now (or one)")
        sync.add_argument("--peer", help="only this peer (by name)")

    def handle(self, *args, action: str, **options) -> None:
        getattr(self, f"do_{action}")(**options)

    def do_status(self, json: bool = False, **options) -> None:
        found = selectors.status()
        if json:
            self.stdout.write(_dumps(found))
            return
        if not found:
            self.stdout.write("No mirrors: add a peer with `manage.py peers add URL ...`.")
        for m in found:
            state = "FROZEN: " + m["frozen_reason"] if m["frozen"] else m["peer_status"]
            self.stdout.write(
                f"{m['peer']}  {m['origin']}  size {m['size']}  lag {m['lag_entries']} entries"
                f" / {m['lag_seconds']} s  witnessed {m['witnessed_at'] or 'never'}  {state}"
            )
            lag = m["removal_lag"]
            if lag["checkpoints"]:
                self.stdout.write(
                    f"  removals reached this mirror in p50 {lag['p50_seconds']} s, max "
                    f"{lag['max_seconds']} s ({lag['removals']} removals, last {lag['checkpoints']}"
                    " checkpoints that brought any)"
                )
            if m["last_error"]:
                self.stdout.write(f"  last error: {m['last_error']} (retry at {m['retry_at']})")

    def do_sync(self, peer: str | None = None, **options) -> None:
        if peer:
            found = peer_selectors.peer_by_name(peer)
            if found is None or not found.is_active:
                raise CommandError(f"no active peer named {peer}")
            results = [services.sync_peer(peer=found, force=True)]
        else:
            results = services.sync_all(force=True)
        for result in results:
            detail = f": {result.detail}" if result.detail else ""
            self.stdout.write(f"{result.origin}  {result.outcome} at size {result.size}{detail}")
        if any(r.outcome in ("failed", "equivocation") for r in results):
            raise CommandError("a mirror did not sync (see above)")


def _dumps(value) -> str:
    return json.dumps(value, default=str, indent=2)

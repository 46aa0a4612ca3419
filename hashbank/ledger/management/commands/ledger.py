"""manage.py ledger verify | seal | purge | tiles: the integrity audit and maintenance of the ledger."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hashbank.ledger import audit, services, tiles


class Command(BaseCommand):
    help = "Verify the ledger end to end, seal pending changes, or purge withdrawn values."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "verify", help="recompute the tree from stored leaves; check every checkpoint"
        )
        sub.add_parser("seal", help="seal pending changes now, without waiting for the mix")
        purge = sub.add_parser("purge", help="forget the values of signals removed long ago")
        purge.add_argument("--removed-days", type=int, default=settings.HASHBANK_PURGE_REMOVED_DAYS)
        sub.add_parser(
            "tiles", help="(re)write every tlog-tiles file and the checkpoint from the database"
        )

    def handle(self, *args, action: str, **options) -> None:
        if action == "verify":
            problems = audit.verify_ledger(progress=lambda msg: self.stdout.write(msg))
            if problems:
                for problem in problems:
                    self.stderr.write(f"MISMATCH: {problem}")
                raise CommandError(f"ledger verification failed with {len(problems)} problem(s)")
            self.stdout.write(
                self.style.SUCCESS("ledger verified: every leaf, checkpoint and signature matches")
            )
        elif action == "seal":
            # An operator's seal does not wait for the minimum mix (docs/operations.md).
            checkpoint = services.seal(force_sign=True, wait_for_mix=False)
            self.stdout.write(
                f"checkpoint at size {checkpoint.size if checkpoint else 'unchanged'}"
            )
        elif action == "tiles":
            if tiles.tiles_dir() is None:
                raise CommandError("HASHBANK_TILES_DIR is empty: tiles are switched off")
            done = tiles.publish(rebuild=True, progress=lambda msg: self.stdout.write(msg))
            if done is None:
                raise CommandError("no checkpoint yet: seal first (`manage.py ledger seal`)")
            self.stdout.write(
                f"{len(done.written):,} files written in {tiles.tiles_dir()} (tree size {done.size:,})"
            )
        else:
            cutoff = timezone.now() - timedelta(days=options["removed_days"])
            count = services.purge_removed(removed_before=cutoff)
            self.stdout.write(f"purged {count} value(s)")

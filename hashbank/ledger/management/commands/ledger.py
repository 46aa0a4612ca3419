"""manage.py ledger verify | seal | purge: the integrity audit and maintenance of the ledger."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hashbank.ledger import audit, services


class Command(BaseCommand):
    help = "Verify the ledger end to end, seal pending changes, or purge withdrawn values."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "verify", help="recompute the tree from stored leaves; check every checkpoint"
        )
        sub.add_parser("seal", help="seal pending changes now")
        purge = sub.add_parser("purge", help="forget the values of signals removed long ago")
        purge.add_argument("--removed-days", type=int, default=90)

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
            checkpoint = services.seal(force_sign=True)
            self.stdout.write(
                f"checkpoint at size {checkpoint.size if checkpoint else 'unchanged'}"
            )
        else:
            cutoff = timezone.now() - timedelta(days=options["removed_days"])
            count = services.purge_removed(removed_before=cutoff)
            self.stdout.write(f"purged {count} value(s)")

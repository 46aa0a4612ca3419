"""`manage.py audit verify`: recompute the audit chain; exit status 1 if anything was changed."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from hashbank.audit.services import verify_chain


class Command(BaseCommand):
    help = "Check the audit log's hash chain (verify)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, action: str, **options) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"Audit chain broken at entry {report.first_bad_seq}: {report.problem} "
                f"({report.checked} entries before it are intact)."
            )
        self.stdout.write(f"Audit chain intact: {report.checked} entries.")

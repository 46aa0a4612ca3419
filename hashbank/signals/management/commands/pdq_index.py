"""`manage.py pdq_index status|backfill`: the multi-index of PDQ values (signals.PdqChunks) that
the staff search's "PDQ within a distance" reads. Migration 0007 fills it and the services keep
it; `backfill` adds what is missing (rows written around the services), in batches, with progress.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from hashbank.signals import selectors, services


class Command(BaseCommand):
    help = "Report (status) or fill in (backfill) the PDQ multi-index."

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["status", "backfill"])
        parser.add_argument("--batch", type=int, default=100_000, help="signal ids per batch")

    def handle(self, *args, action: str, batch: int, **options) -> None:
        if action == "backfill":

            def progress(done: int, last: int) -> None:
                self.stdout.write(f"  signal ids up to {done} of {last} checked")

            added = services.backfill_pdq_index(batch=max(1, batch), progress=progress)
            self.stdout.write(f"Indexed {added} PDQ signals.")
        missing = selectors.unindexed_pdq_count()
        self.stdout.write(
            "Every PDQ signal is indexed."
            if not missing
            else f"{missing} PDQ signals are not indexed: run `manage.py pdq_index backfill`."
        )

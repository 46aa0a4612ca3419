"""manage.py publishing status | run: what the witnesses of the bank's policy last cosigned, and
one publishing round now (what the task runs after each seal)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from hashbank.publishing import selectors, services
from hashbank.publishing.errors import PublishingError


def _when(value) -> str:
    return value.replace(microsecond=0).isoformat() if value else "never"


class Command(BaseCommand):
    help = "The bank's own checkpoints and its witnesses: status, or a publishing round now."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status", help="each witness's last cosigned size, lag and last error")
        sub.add_parser("run", help="ask the witnesses to cosign the latest checkpoint now")

    def handle(self, *args, action: str, **options) -> None:
        getattr(self, f"do_{action}")()

    def do_status(self) -> None:
        self.stdout.write(selectors.summary())
        for w in selectors.witness_states():
            cosigned = "nothing yet" if w["cosigned_size"] is None else f"size {w['cosigned_size']}"
            lag = f"{w['lag_entries']} entries"
            if w["lag_seconds"] is not None:
                lag += f", {w['lag_seconds']} s since it cosigned"
            self.stdout.write(
                f"  {w['name']} ({w['url']}): cosigned {cosigned} at {_when(w['cosigned_at'])}; "
                f"lag {lag}; last answer: {w['last_outcome'] or 'none'}"
            )
            if w["last_error"]:
                self.stdout.write(
                    f"    last error: {w['last_error']} at {_when(w['last_error_at'])}"
                )
            if w["forked_at"]:
                self.stdout.write(f"    FORK seen at {_when(w['forked_at'])}")

    def do_run(self) -> None:
        try:
            services.load_policy()
        except PublishingError as exc:
            raise CommandError(exc.message) from None
        result = services.publish_latest()
        if result is None:
            self.stdout.write(
                "Nothing to publish (no policy, or the latest checkpoint is published)."
            )
            return
        for name, answer in result.answers.items():
            self.stdout.write(f"  {name}: {answer.outcome}")
        self.stdout.write(
            f"size {result.size}: {result.quorum}; "
            + ("published" if result.published else "NOT published")
            + (" without the quorum (fail-open)" if result.without_quorum else "")
        )

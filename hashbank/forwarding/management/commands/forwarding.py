"""`manage.py forwarding list [--state STATE] | run | retry FORWARD_ID`: the reports and disputes
our members sent about mirrored origins, on their way to the origin banks (docs/peer-api.md).

`run` delivers what is due and polls undecided disputes once (what beat's `run_due` does, for the
embedded default or a cron job); `retry` makes a pending or refused forward due at once."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from hashbank.core.errors import DomainError
from hashbank.forwarding import selectors, services
from hashbank.forwarding.models import Forward


class Command(BaseCommand):
    help = "List, run or retry the reports and disputes forwarded to origin banks."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list")
        listing.add_argument("--state", choices=Forward.State.values)
        sub.add_parser("run")
        retry = sub.add_parser("retry")
        retry.add_argument("forward_id")

    def handle(self, *args, action: str, **options) -> None:
        if action == "list":
            for f in selectors.forwards(state=options.get("state")):
                outcome = f" {f.outcome}" if f.outcome else ""
                error = f" ({f.last_error})" if f.last_error else ""
                self.stdout.write(
                    f"{f.forward_id} {f.kind} {f.member.slug} -> {f.peer_name} seq {f.seq}: "
                    f"{f.state}{outcome}, {f.attempts} attempt(s){error}"
                )
        elif action == "run":
            self.stdout.write(f"{services.run_due()} forward(s) tried.")
        else:
            try:
                forward = services.retry_now(forward_id=options["forward_id"])
            except DomainError as exc:
                raise CommandError(exc.message) from None
            self.stdout.write(f"{forward.forward_id}: {forward.state}")

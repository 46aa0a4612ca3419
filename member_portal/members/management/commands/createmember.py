"""`manage.py createmember SLUG --name NAME [--peer] [--actor USERNAME]`: onboard a member platform
(for scripting), or with `--peer` a peer bank (`kind="peer"`: reads the whole feed and calls the
peer API, docs/peer-api.md). The audit log records it, as done by USERNAME or, without it, by
"manage.py"."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from hashbank.core.errors import DomainError
from member_portal.members import services
from member_portal.members.management.actor import add_actor_argument, resolve_actor
from member_portal.members.models import Member


class Command(BaseCommand):
    help = "Create a member platform."

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument(
            "--peer", action="store_true", help="a peer bank, not a platform (docs/peer-api.md)"
        )
        add_actor_argument(parser)

    def handle(self, *args, slug: str, name: str, peer: bool, actor: str, **options) -> None:
        acting = resolve_actor(actor)
        kind = Member.Kind.PEER if peer else Member.Kind.PLATFORM
        try:
            member = services.create_member(slug=slug, name=name, kind=kind, actor=acting)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        what = "peer bank" if member.is_peer else "member"
        self.stdout.write(f"Created {what} {member.slug} ({member.name}).")

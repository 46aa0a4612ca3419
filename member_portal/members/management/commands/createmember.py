"""`manage.py createmember SLUG --name NAME [--peer] [--actor USERNAME]`: onboard a member
platform, or with --peer a peer bank (for scripting). The audit log records it, as done by USERNAME or, without it, by "manage.py"."""

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
            "--peer",
            action="store_true",
            help="a peer bank that mirrors this bank's log (docs/federation.md), not a platform",
        )
        add_actor_argument(parser)

    def handle(self, *args, slug: str, name: str, actor: str, peer: bool, **options) -> None:
        acting = resolve_actor(actor)
        kind = Member.Kind.PEER if peer else Member.Kind.PLATFORM
        try:
            member = services.create_member(slug=slug, name=name, kind=kind, actor=acting)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"Created member {member.slug} ({member.name}).")

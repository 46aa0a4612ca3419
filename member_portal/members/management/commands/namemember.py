"""`manage.py namemember SLUG --yes|--no [--actor USERNAME]`: record that a member agreed (or no
longer agrees) to be named on the public list of participating platforms (/platforms/). The
audit log records it, as done by USERNAME or, without it, by "manage.py"."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from hashbank.core.errors import DomainError
from member_portal.members import selectors, services
from member_portal.members.management.actor import add_actor_argument, resolve_actor


class Command(BaseCommand):
    help = "Name a member platform on the public list of participating platforms, or stop."

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug")
        choice = parser.add_mutually_exclusive_group(required=True)
        choice.add_argument("--yes", dest="named", action="store_true", help="it agreed")
        choice.add_argument("--no", dest="named", action="store_false", help="it withdrew")
        add_actor_argument(parser)

    def handle(self, *args, slug: str, named: bool, actor: str, **options) -> None:
        acting = resolve_actor(actor)
        try:
            member = selectors.member_by_slug(slug)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        services.set_named_publicly(member=member, named=named, actor=acting)
        state = "named on" if named else "not named on"
        self.stdout.write(f"{member.slug} ({member.name}) is {state} the public list.")

"""`manage.py createmember SLUG --name NAME`: onboard a member platform (for scripting)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from hashbank.core.errors import DomainError
from member_portal.members import services


class Command(BaseCommand):
    help = "Create a member platform."

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)

    def handle(self, *args, slug: str, name: str, **options) -> None:
        try:
            member = services.create_member(slug=slug, name=name)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"Created member {member.slug} ({member.name}).")

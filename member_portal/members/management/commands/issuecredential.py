"""`manage.py issuecredential SLUG [--scopes feed:read reports:write] [--actor USERNAME]`: print a
new token.

The token is the last line of the output (scripts take it with `tail -n1`); it is shown once. The
audit log records the issue (never the token), as done by USERNAME or, without it, by "manage.py".
"""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hashbank.core.errors import DomainError
from member_portal.members import selectors, services
from member_portal.members.management.actor import add_actor_argument, resolve_actor
from member_portal.members.models import SCOPES


class Command(BaseCommand):
    help = "Issue an API credential for a member and print its token (last line, shown once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--scopes", nargs="+", choices=SCOPES, default=list(SCOPES))
        parser.add_argument("--label", default="")
        parser.add_argument("--expires-days", type=int, default=None)
        parser.add_argument("--allow-ip", action="append", default=[], help="CIDR; repeatable")
        add_actor_argument(parser)

    def handle(
        self, *args, slug: str, scopes, label, expires_days, allow_ip, actor: str, **options
    ) -> None:
        acting = resolve_actor(actor)
        try:
            member = selectors.member_by_slug(slug)
            expires = timezone.now() + timedelta(days=expires_days) if expires_days else None
            credential, token = services.issue_credential(
                member=member,
                scopes=scopes,
                label=label,
                expires_at=expires,
                allowed_ips=allow_ip,
                actor=acting,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"Issued {credential.display} for {member.slug} with scopes {' '.join(credential.scopes)}."
            " The token is shown once:"
        )
        self.stdout.write(token)

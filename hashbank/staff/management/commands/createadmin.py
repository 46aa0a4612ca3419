"""`manage.py createadmin USERNAME`: the first administrator, with a one-time password printed on
the last line. The first sign-in enrols an authenticator (TOTP) and sets a new password."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from hashbank.core.errors import DomainError
from hashbank.staff import roles
from hashbank.staff.services import create_staff_user


class Command(BaseCommand):
    help = "Create a staff administrator and print a one-time password."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")

    def handle(self, *args, username: str, email: str, **options) -> None:
        try:
            _, password = create_staff_user(
                username=username, roles=[roles.ADMINISTRATOR], email=email, actor="manage.py"
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"Administrator {username!r} created. Sign in at /staff/login/ with this one-time "
            "password; you will enrol an authenticator app and choose a new password:"
        )
        self.stdout.write(password)

"""Create, once, what a new bank needs to start: a signing key and root document, the witness key,
an administrator whose one-time password is printed, and a demo member credential for trying the
pull API.

Idempotent: each step is skipped when its result already exists, so `make run` can call it every time.
"""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from member_portal.members.models import Member


class Command(BaseCommand):
    help = (
        "Prepare a new bank: signing key and root, witness key, first administrator, demo member "
        "(idempotent)."
    )

    def add_arguments(self, parser) -> None:
        # No default: "admin" is the first username anyone tries (and, with it known, the one
        # whose sign-in an attacker would try to lock out).
        parser.add_argument(
            "--admin", default="", help="username of the first administrator (required once)"
        )
        parser.add_argument("--no-demo-member", action="store_true", help="skip the demo member")

    def handle(self, *args, admin: str, no_demo_member: bool, **options) -> None:
        call_command("keys", "init", stdout=self.stdout)
        call_command("witness", "init", stdout=self.stdout)

        if not get_user_model().objects.filter(is_staff=True).exists():
            if not admin.strip():
                raise CommandError(
                    "Name the first administrator: manage.py firststart --admin YOUR-USERNAME "
                    "(not 'admin', which everyone tries first)."
                )
            call_command("createadmin", admin.strip(), stdout=self.stdout)
        else:
            self.stdout.write("Staff accounts exist: no administrator created.")

        if not no_demo_member:
            if not Member.objects.filter(slug="demo").exists():
                call_command("createmember", "demo", "--name", "Demo platform", stdout=self.stdout)
                out = io.StringIO()
                call_command("issuecredential", "demo", stdout=out)
                token = out.getvalue().strip().splitlines()[-1]
                self.stdout.write(
                    "Demo member credential (shown once; try "
                    "curl -H 'Authorization: Bearer <token>' http://127.0.0.1:8000/api/v1/checkpoint):\n"
                    f"  {token}"
                )
            else:
                self.stdout.write("Demo member exists: no credential issued.")

"""Who a command acts as, for the audit log: `--actor USERNAME` names an active staff account;
without it the entry names the command line ("manage.py"), as `createadmin` does."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

COMMAND_LINE_ACTOR = "manage.py"


def add_actor_argument(parser) -> None:
    parser.add_argument(
        "--actor",
        default="",
        metavar="USERNAME",
        help=(
            "the staff account recorded as acting in the audit log "
            f"(default: {COMMAND_LINE_ACTOR!r}, the command line)"
        ),
    )


def resolve_actor(username: str) -> Any:
    """The active staff user named `username`, or the command-line actor when none is named."""
    if not username:
        return COMMAND_LINE_ACTOR
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username, is_active=True, is_staff=True).first()
    if user is None:
        raise CommandError(f"--actor: no active staff account is named {username!r}.")
    return user

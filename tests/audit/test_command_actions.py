"""Member changes made from the command line are audited like the console's: one entry each,
naming the staff account given with --actor, or "manage.py" without it."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from hashbank.audit.models import AuditEntry
from hashbank.audit.services import verify_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(django_user_model):
    return django_user_model.objects.create_user("mona", password="x" * 16, is_staff=True)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_createmember_records_one_entry_by_the_command_line(db):
    run("createmember", "acme", "--name", "Acme Video")
    (entry,) = AuditEntry.objects.all()
    assert (entry.action, entry.target, entry.member) == ("member.created", "acme", "acme")
    assert (entry.actor_id, entry.actor_name) == (None, "manage.py")
    assert entry.after == {"name": "Acme Video", "kind": "platform"}
    assert verify_chain().ok


def test_createmember_records_the_named_staff_actor(manager):
    run("createmember", "acme", "--name", "Acme Video", "--actor", "mona")
    (entry,) = AuditEntry.objects.all()
    assert (entry.action, entry.actor_id, entry.actor_name) == (
        "member.created",
        manager.pk,
        "mona",
    )


def test_issuecredential_records_one_entry_by_the_command_line(member):
    token = run("issuecredential", "acme", "--scopes", "feed:read").strip().splitlines()[-1]
    (entry,) = AuditEntry.objects.all()
    credential = member.credentials.get()
    assert (entry.action, entry.target, entry.member) == (
        "credential.issued",
        credential.display,
        "acme",
    )
    assert (entry.actor_id, entry.actor_name) == (None, "manage.py")
    assert entry.after["scopes"] == ["feed:read"]
    secret = token.split("_", 2)[2]
    assert secret not in str(entry.after) and secret not in entry.target
    assert verify_chain().ok


def test_issuecredential_records_the_named_staff_actor(member, manager):
    run("issuecredential", "acme", "--actor", "mona")
    (entry,) = AuditEntry.objects.all()
    assert (entry.action, entry.actor_id, entry.actor_name) == (
        "credential.issued",
        manager.pk,
        "mona",
    )


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("createmember", "acme", "--name", "Acme Video"), id="createmember"),
        pytest.param(("issuecredential", "acme"), id="issuecredential"),
    ],
)
def test_an_actor_who_is_not_an_active_staff_account_is_refused_and_nothing_is_written(
    member, django_user_model, args
):
    from member_portal.members.models import Member

    django_user_model.objects.create_user("pat", password="x" * 16, is_staff=False)
    django_user_model.objects.create_user("gone", password="x" * 16, is_staff=True, is_active=False)
    members, credentials = Member.objects.count(), member.credentials.count()
    for username in ("nobody", "pat", "gone"):
        with pytest.raises(CommandError, match="no active staff account"):
            run(*args, "--actor", username)
    assert not AuditEntry.objects.exists()
    assert (Member.objects.count(), member.credentials.count()) == (members, credentials)


def test_a_refused_command_writes_no_entry(member):
    with pytest.raises(CommandError):
        run("createmember", "acme", "--name", "Again")
    with pytest.raises(CommandError):
        run("issuecredential", "nobody")
    assert not AuditEntry.objects.exists()

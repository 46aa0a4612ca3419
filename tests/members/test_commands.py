import io

import pytest
from django.core.management import CommandError, call_command

from member_portal.members import services
from member_portal.members.models import Member


@pytest.mark.django_db
def test_createmember_then_issuecredential_prints_a_working_token_last():
    call_command("createmember", "acme", "--name", "Acme Video", stdout=io.StringIO())
    out = io.StringIO()
    call_command("issuecredential", "acme", "--scopes", "feed:read", stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    credential = services.authenticate(token=token, ip=None)
    assert credential.member == Member.objects.get(slug="acme")
    assert credential.scopes == ["feed:read"]


@pytest.mark.django_db
def test_createmember_twice_fails_with_a_message():
    call_command("createmember", "acme", "--name", "Acme", stdout=io.StringIO())
    with pytest.raises(CommandError, match="exists"):
        call_command("createmember", "acme", "--name", "Acme", stdout=io.StringIO())


@pytest.mark.django_db
def test_issuecredential_for_unknown_member_fails():
    with pytest.raises(CommandError):
        call_command("issuecredential", "nobody", stdout=io.StringIO())


@pytest.mark.django_db
def test_namemember_puts_a_member_on_the_public_list_and_takes_it_off_audited():
    from hashbank.audit.models import AuditEntry
    from member_portal.members.selectors import publicly_named_members

    call_command("createmember", "acme", "--name", "Acme Video", stdout=io.StringIO())
    assert publicly_named_members() == []
    call_command("namemember", "acme", "--yes", stdout=io.StringIO())
    assert publicly_named_members() == ["Acme Video"]
    call_command("namemember", "acme", "--no", stdout=io.StringIO())
    assert publicly_named_members() == []
    entries = AuditEntry.objects.filter(action="member.named_publicly").order_by("seq")
    assert [(e.actor_name, e.after["named_publicly"]) for e in entries] == [
        ("manage.py", True),
        ("manage.py", False),
    ]


@pytest.mark.django_db
def test_namemember_for_an_unknown_member_fails_with_a_message():
    with pytest.raises(CommandError, match="nobody"):
        call_command("namemember", "nobody", "--yes", stdout=io.StringIO())

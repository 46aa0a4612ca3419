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

"""A peer bank is a member of kind "peer": it reads the feed, but it is not a platform."""

from __future__ import annotations

from django.core.management import call_command

from member_portal.members import selectors, services
from member_portal.members.models import Member


def test_createmember_peer_makes_a_peer_member(db):
    call_command("createmember", "bank-b", "--name", "Bank B", "--peer")
    assert Member.objects.get(slug="bank-b").kind == "peer"
    call_command("createmember", "platform-x", "--name", "Platform X")
    assert Member.objects.get(slug="platform-x").kind == "platform"


def test_a_peer_is_neither_on_the_public_list_nor_counted_as_a_platform(db):
    peer = services.create_member(slug="bank-b", name="Bank B", kind=Member.Kind.PEER)
    platform = services.create_member(slug="plat", name="Plat")
    Member.objects.filter(pk__in=[peer.pk, platform.pk]).update(named_publicly=True)
    assert selectors.publicly_named_members() == ["Plat"]
    assert list(selectors.members_behind(1)) == [platform]

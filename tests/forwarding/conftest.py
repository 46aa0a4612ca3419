"""The origin bank's side of forwarding: a peer bank (a member of kind "peer") and its client."""

from __future__ import annotations

import pytest

from tests.fixtures.members import ApiClient


@pytest.fixture
def peer(db):
    from member_portal.members import services
    from member_portal.members.models import Member

    return services.create_member(slug="bank-b", name="Bank B", kind=Member.Kind.PEER)


@pytest.fixture
def peer_api(peer) -> ApiClient:
    from member_portal.members import services

    return ApiClient(services.issue_credential(member=peer)[1])


@pytest.fixture
def other_peer_api(db) -> ApiClient:
    from member_portal.members import services
    from member_portal.members.models import Member

    other = services.create_member(slug="bank-c", name="Bank C", kind=Member.Kind.PEER)
    return ApiClient(services.issue_credential(member=other)[1])


@pytest.fixture
def seq_of(published):
    """seq_of(value): the sequence number of the add entry of a published PDQ value."""
    from hashbank.ledger.models import Entry

    def seq_of(value: str) -> int:
        return Entry.objects.get(kind=Entry.ADD, signal__value=value).seq

    return seq_of

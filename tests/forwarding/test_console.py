"""The console shows forwards both ways: the origin's review queue marks a peer's dispute as from
that peer for its member; the forwarding bank lists what it sent and where each stands."""

from __future__ import annotations

from hashbank.disputes import services as disputes
from hashbank.forwarding.models import Forward
from hashbank.staff import roles
from member_portal.members import services as members
from tests.fixtures.values import PDQ_VALUES


def test_the_review_queue_names_the_peer_and_its_member(published, peer, staff_client):
    from hashbank.signals.models import Signal

    disputes.raise_dispute(
        member=peer,
        signal=Signal.objects.get(value=PDQ_VALUES[1]),
        reason="false_positive",
        idempotency_key="f0rward-0000000000000009",
        forwarded_for="Platform X (platform-x)",
    )
    client, _user = staff_client(roles.DISPUTE_REVIEWER)
    page = client.get("/staff/review/").content.decode()
    assert "Peer bank Bank B (bank-b), for its member Platform X (platform-x)" in page


def test_the_forwards_page_lists_what_was_sent_and_its_state(db, staff_client):
    member = members.create_member(slug="acme", name="Acme Video")
    Forward.objects.create(
        forward_id="3f1c0a9d4e5b6c7d8e9f0a1b2c3d4e5f",
        kind=Forward.Kind.DISPUTE,
        member=member,
        origin="a.example/hashbank",
        origin_id="0" * 64,
        peer_name="bank-a",
        seq=41,
        signal_type="pdq",
        state=Forward.State.PENDING,
        attempts=3,
        last_error="unreachable: ConnectionRefusedError",
    )
    client, _user = staff_client(roles.DISPUTE_REVIEWER)
    page = client.get("/staff/review/forwarded/").content.decode()
    assert "3f1c0a9d4e5b6c7d8e9f0a1b2c3d4e5f" in page and "bank-a" in page
    assert "unreachable: ConnectionRefusedError" in page
    assert "Acme Video (acme)" in page
    assert "3f1c0a9d" not in client.get("/staff/review/forwarded/?state=decided").content.decode()

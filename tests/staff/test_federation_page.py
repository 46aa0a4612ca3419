"""The federation page lists peers and their mirrors, and suspends, resumes and removes a peer
(audited); a frozen mirror raises the dashboard's alarm and shows its evidence."""

from __future__ import annotations

import pytest

from hashbank.audit.models import AuditEntry
from hashbank.mirrors.models import Evidence, MirroredLog
from hashbank.peers.models import Peer
from member_portal.feed import note, origins, rootdoc
from tests.fixtures.staff import signed_in

pytestmark = pytest.mark.django_db
ORIGIN = "peer.bank.test/hashbank"


@pytest.fixture
def peer(key_dir):
    signer = note.Signer.generate(ORIGIN)
    anchor = note.sign(rootdoc.render(ORIGIN, 1, 4102444800, [signer.verifier]), [signer])
    return Peer.objects.create(
        name="peer-a",
        url="http://127.0.0.1:9",
        origin=ORIGIN,
        origin_id=origins.origin_id(ORIGIN),
        anchor_root=anchor,
        anchor_version=1,
        root_documents=[anchor],
    )


def test_the_page_lists_peers_and_its_actions_are_audited(peer, make_staff):
    admin = make_staff("administrator")
    client = signed_in(admin)
    body = client.get("/staff/federation/").content.decode()
    assert "peer-a" in body and ORIGIN in body and "Suspend" in body
    assert client.post("/staff/federation/peers/peer-a/suspend").status_code == 302
    assert Peer.objects.get(name="peer-a").status == "suspended"
    client.post("/staff/federation/peers/peer-a/resume")
    client.post("/staff/federation/peers/peer-a/remove")
    assert Peer.objects.get(name="peer-a").status == "removed"
    entries = AuditEntry.objects.filter(action__startswith="peer.").order_by("id")
    assert [(e.action, e.actor_name) for e in entries] == [
        ("peer.suspended", admin.username),
        ("peer.resumed", admin.username),
        ("peer.removed", admin.username),
    ]
    assert "Suspend" not in client.get("/staff/federation/").content.decode()


def test_a_frozen_mirror_raises_the_dashboard_alarm_and_shows_its_evidence(peer, make_staff):
    log = MirroredLog.objects.create(
        peer=peer, origin=ORIGIN, origin_id=peer.origin_id, frozen=True, frozen_reason="fork"
    )
    Evidence.objects.create(
        log=log, origin=ORIGIN, reason="two roots", first_note="NOTE-ONE", second_note="NOTE-TWO"
    )
    client = signed_in(make_staff("administrator"))
    dashboard = client.get("/staff/").content.decode()
    assert 'id="mirror-alarm"' in dashboard and ORIGIN in dashboard
    page = client.get("/staff/federation/").content.decode()
    assert "NOTE-ONE" in page and "NOTE-TWO" in page and "frozen" in page

"""The federation page lists peers and their mirrors, and suspends, resumes and removes a peer
(audited); a frozen mirror raises the dashboard's alarm and shows its evidence."""

from __future__ import annotations

import pytest
from django.utils import timezone

from hashbank.audit.models import AuditEntry
from hashbank.mirrors.models import Evidence, MirrorCheckpoint, MirroredLog
from hashbank.peers.models import Peer
from member_portal.members import services as members
from member_portal.members.models import Member
from tests.fixtures.peers import unreachable_peer
from tests.fixtures.staff import signed_in

pytestmark = pytest.mark.django_db
ORIGIN = "peer.bank.test/hashbank"


@pytest.fixture
def peer(key_dir):
    return unreachable_peer("peer-a", ORIGIN, expires=4102444800)


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


def test_the_page_shows_removal_lag_per_origin_and_how_far_peers_mirroring_us_are(
    peer, make_staff, published
):
    log = MirroredLog.objects.create(peer=peer, origin=ORIGIN, origin_id=peer.origin_id, size=9)
    now = timezone.now().replace(microsecond=0)  # checkpoint times are whole seconds
    for size, lag, removals in ((4, 2.0, 1), (6, 0.0, 0), (9, 8.0, 3)):
        MirrorCheckpoint.objects.create(
            log=log, size=size, note="n", removals=removals,
            checkpoint_time=int(now.timestamp() - lag), stored_at=now,
        )  # fmt: skip
    Peer.objects.filter(pk=peer.pk).update(nudge_failures=2, nudge_error="answered 503")
    bank_b = members.create_member(slug="bank-b", name="Bank B", kind=Member.Kind.PEER)
    members.record_pull(member=bank_b, size=0)
    _case, checkpoint = published
    body = signed_in(make_staff("administrator")).get("/staff/federation/").content.decode()
    assert "p50 2.0 s, max 8.0 s" in body  # over the checkpoints that brought removals only
    assert "4 removals in the last 2 checkpoints" in body
    assert "2 failed since: answered 503" in body
    assert 'id="mirroring-bank-b"' in body
    row = body[body.index('id="mirroring-bank-b"') :].split("</tr>")[0]
    assert f"{checkpoint.size} entries" in row and "0 entries" in row
    behind = row.split("<td>")[4]  # entries and seconds since our checkpoint it has not read
    assert behind.startswith(f"{checkpoint.size} entries, ") and behind.split(", ")[1][0].isdigit()

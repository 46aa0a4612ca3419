"""POST /peer/v1/nudge on the mirroring bank (docs/peer-api.md, "Nudges"): a bank we mirror says
it published a checkpoint, and its mirror syncs now. Bad input is a 4xx with a code and queues
nothing; a nudge for a size the mirror has is a no-op."""

from __future__ import annotations

import json

import pytest

from hashbank.mirrors.models import MirroredLog
from hashbank.peers.models import Peer
from tests.fixtures.members import ApiClient
from tests.fixtures.peers import unreachable_peer

ORIGIN = "nudging.bank.test/hashbank"


@pytest.fixture
def mirrored_peer(db):
    """A peer we mirror, at an address where nothing listens (a sync of it fails at once)."""
    return unreachable_peer("nudging", ORIGIN)


def nudge(client, body, **extra):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post("/peer/v1/nudge", data, content_type="application/json", **extra)


def code(response) -> str:
    return response.json()["error"]["code"]


def test_a_nudge_for_a_size_the_mirror_lacks_syncs_the_origin_now(
    peer_api, mirrored_peer, tasks_in_process
):
    response = nudge(peer_api, {"origin": ORIGIN, "size": 5})
    assert response.status_code == 202, response.content
    assert response.json() == {"origin": ORIGIN, "mirrored_size": 0, "queued": True}
    # No scheduler thread and tasks in-process: the queued sync ran here, and reached for the peer.
    mirror = MirroredLog.objects.get(peer=mirrored_peer)
    assert mirror.failures == 1 and "checkpoint" in mirror.last_error


def test_a_nudge_for_a_size_the_mirror_has_queues_nothing(peer_api, mirrored_peer):
    MirroredLog.objects.create(
        peer=mirrored_peer, origin=ORIGIN, origin_id=mirrored_peer.origin_id, size=7
    )
    for size in (7, 3):
        response = nudge(peer_api, {"origin": ORIGIN, "size": size})
        assert response.status_code == 202
        assert response.json()["queued"] is False
    assert MirroredLog.objects.get(peer=mirrored_peer).failures == 0


def test_a_nudge_naming_an_origin_we_do_not_mirror_is_404(peer_api, mirrored_peer):
    response = nudge(peer_api, {"origin": "stranger.bank.test/hashbank", "size": 1})
    assert (response.status_code, code(response)) == (404, "unknown_origin")
    assert not MirroredLog.objects.exists()


def test_a_nudge_for_a_suspended_peer_is_409(peer_api, mirrored_peer):
    Peer.objects.filter(pk=mirrored_peer.pk).update(status=Peer.Status.SUSPENDED)
    response = nudge(peer_api, {"origin": ORIGIN, "size": 1})
    assert (response.status_code, code(response)) == (409, "peer_unavailable")
    assert not MirroredLog.objects.exists()


def test_a_nudge_without_a_valid_peer_credential_is_refused(db, mirrored_peer, api):
    for client, status, codes in (
        (ApiClient(), 401, {"not_authenticated"}),
        (ApiClient("hb_nonsense.token"), 401, {"invalid_credential", "authentication_failed"}),
        (api, 403, {"not_a_peer"}),  # a platform's credential
    ):
        response = nudge(client, {"origin": ORIGIN, "size": 1})
        assert response.status_code == status and code(response) in codes, response.content
    assert not MirroredLog.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"\xff\xfe",
        "[1, 2]",
        {"origin": ORIGIN},
        {"origin": ORIGIN, "size": -1},
        {"origin": ORIGIN, "size": "twelve"},
        {"origin": ORIGIN, "size": 2**63},
        {"origin": "x" * 300, "size": 1},
        f'{{"origin": "{ORIGIN}", "size": 1, "size": 2}}',
    ],
)
def test_a_malformed_nudge_is_400_and_queues_nothing(peer_api, mirrored_peer, body):
    response = nudge(peer_api, body)
    assert 400 <= response.status_code < 500 and response.status_code != 404, response.content
    assert code(response)
    assert not MirroredLog.objects.exists()


def test_a_huge_nudge_is_413_unread(peer_api, mirrored_peer):
    body = json.dumps({"origin": ORIGIN, "size": 1, "pad": "x" * 20_000})
    response = nudge(peer_api, body)
    assert (response.status_code, code(response)) == (413, "body_too_large")
    assert not MirroredLog.objects.exists()

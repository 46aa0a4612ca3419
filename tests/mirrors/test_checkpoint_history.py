"""A mirror keeps every checkpoint of the origin it accepted: a member that read one checkpoint
pages its delta against it while the mirror moves on (before, the mirror answered only its latest
size, so a member's multi-page delta failed with unknown_checkpoint whenever the mirror synced
during it, and a replay from 0 of a busy origin never finished)."""

from __future__ import annotations

from django.utils import timezone

from hashbank.mirrors.models import MirrorCheckpoint, MirroredLog, MirrorEntry
from hashbank.peers.models import Peer
from member_portal.feed import note, origins, rootdoc, wire

ORIGIN = "history.bank.test/hashbank"


def mirror_at(size: int, accepted: list[int]) -> MirroredLog:
    signer = note.Signer.generate(ORIGIN)
    anchor = note.sign(rootdoc.render(ORIGIN, 1, 2**40, [signer.verifier]), [signer])
    peer = Peer.objects.create(
        name="history", url="http://127.0.0.1:9", origin=ORIGIN,
        origin_id=origins.origin_id(ORIGIN), anchor_root=anchor, anchor_version=1,
        root_documents=[anchor],
    )  # fmt: skip
    log = MirroredLog.objects.create(
        peer=peer, origin=ORIGIN, origin_id=peer.origin_id, size=size, verified_size=size,
        checkpoint_note=f"note of {size}",
    )  # fmt: skip
    MirrorEntry.objects.bulk_create(
        MirrorEntry(log=log, seq=seq, leaf=bytes([seq]) * 52, value=None) for seq in range(size)
    )
    for n in accepted:
        MirrorCheckpoint.objects.create(
            log=log, size=n, note=f"note of {n}", checkpoint_time=0, stored_at=timezone.now()
        )
    return log


def test_entries_against_an_earlier_mirrored_checkpoint_are_still_served(db, api):
    log = mirror_at(5, accepted=[2, 5])
    response = api.get(f"/api/v1/origins/{log.origin_id}/entries?from=0&size=2")
    assert response.status_code == 200, response.content
    assert wire.entries_header(response.content) == (0, 2)


def test_a_size_the_mirror_never_accepted_is_unknown(db, api):
    log = mirror_at(5, accepted=[2, 5])
    for size in (3, 6):
        response = api.get(f"/api/v1/origins/{log.origin_id}/entries?from=0&size={size}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "unknown_checkpoint"

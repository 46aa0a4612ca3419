"""A restarted witness (a new process on the same database) remembers what it cosigned and never
goes back: every request here runs in a process of its own."""

from __future__ import annotations

import pytest

from hashbank.witness import services
from hashbank.witness.models import WitnessedLog
from tests.verify import independent
from tests.witness.peer import PeerLog


@pytest.mark.slow
def test_a_restarted_witness_refuses_to_cosign_below_the_size_it_cosigned(disk_witness):
    peer = disk_witness.peer
    first = disk_witness.submit(peer.request(0, 10))
    assert first.startswith("200 ")
    show = disk_witness.manage("witness", "show").stdout.splitlines()[-1]
    independent.verify_cosignature(peer.body(10), first[4:], show)
    # New processes: as if the bank restarted after each answer.
    assert disk_witness.submit(peer.request(0, 4)) == "409 10\n"
    assert disk_witness.submit(peer.request(10, 4, proof=[])) == "400 0\n"
    assert disk_witness.submit(peer.request(10, 10, leaves=[b"x"] * 10)) == "422 0\n"
    assert disk_witness.submit(peer.request(10, 15)).startswith("200 ")
    listing = disk_witness.manage("witness", "list").stdout
    assert "cosigned at size 15" in listing


@pytest.mark.django_db
def test_a_witness_whose_database_was_restored_from_an_old_backup_does_not_go_back(peer, submit):
    assert submit.post(peer.request(0, 4)).status_code == 200
    old_state = WitnessedLog.objects.values("size", "root", "checkpoint", "cosignature").get()
    assert submit.post(peer.request(4, 10)).status_code == 200
    # The restore: the row is as it was at size 4.
    WitnessedLog.objects.update(**old_state)
    response = submit.post(peer.request(4, 12))
    assert (response.status_code, response.content) == (409, b"10\n")
    fork = PeerLog(peer.origin)
    fork.leaves[5] = b"another history"
    assert submit.post(fork.request(10, 12)).status_code == 422
    assert submit.post(peer.request(10, 12)).status_code == 200


@pytest.mark.django_db
def test_a_log_restored_out_of_existence_and_added_again_starts_from_what_was_cosigned(
    peer, submit
):
    assert submit.post(peer.request(0, 6)).status_code == 200
    WitnessedLog.objects.all().delete()  # a backup from before `add-log`
    services.add_log(origin=peer.origin, vkeys=[peer.vkey])
    response = submit.post(peer.request(0, 3))
    assert (response.status_code, response.content) == (409, b"6\n")

"""A restarted witness (a new process on the same database) remembers what it cosigned and never
goes back: every request here runs in a process of its own."""

from __future__ import annotations

import pytest

from tests.verify import independent

pytestmark = pytest.mark.slow


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

"""Concurrent add-checkpoint requests: the check and the persist are one locked transaction, so of
two requests from the same old size exactly one is cosigned and the other is told the new size.
On PostgreSQL the log row's `select_for_update` serialises them (threads, on the test database);
on SQLite `BEGIN IMMEDIATE` does (processes, on a database file: see on_disk.py)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from hashbank.witness import services
from hashbank.witness.errors import WitnessError
from hashbank.witness.models import WitnessedLog
from tests.witness.peer import PeerLog

ROUNDS = 5


def race(bodies: list[bytes]) -> list[object]:
    """Submit the bodies at once, one thread each; each result is a cosignature line or the
    WitnessError it raised."""
    results: list[object] = [None] * len(bodies)
    barrier = threading.Barrier(len(bodies))

    def submit(i: int) -> None:
        try:
            barrier.wait()
            results[i] = services.add_checkpoint(body=bodies[i])
        except WitnessError as exc:
            results[i] = exc
        except BaseException as exc:  # reported by the test thread
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_of_two_threads_submitting_conflicting_checkpoints_one_wins_and_one_gets_409(peer):
    if connection.vendor != "postgresql":
        pytest.skip("in-memory SQLite's shared cache refuses, not queues, a second writer")
    size = 0
    for round_ in range(ROUNDS):
        small, large = size + 1 + round_, size + 3 + 2 * round_
        results = race([peer.request(size, small), peer.request(size, large)])
        won = [r for r in results if isinstance(r, str)]
        lost = [r for r in results if isinstance(r, WitnessError)]
        assert (len(won), len(lost)) == (1, 1), results
        (loser,) = lost
        assert loser.status == 409
        winner_size = large if isinstance(results[1], str) else small
        assert loser.size == winner_size
        assert WitnessedLog.objects.get(origin=peer.origin).size == winner_size
        size = winner_size


@pytest.mark.slow
def test_of_two_processes_submitting_conflicting_checkpoints_one_wins_and_one_gets_409(
    disk_witness,
):
    peer = PeerLog("race.example.org/log")
    assert disk_witness.manage("witness", "add-log", peer.origin, peer.vkey).returncode == 0
    size = 0
    for round_ in range(3):
        sizes = [size + 1 + round_, size + 4 + round_]
        processes = [disk_witness.start(peer.request(size, new)) for new in sizes]
        answers = disk_witness.finish(processes)
        won = [new for new, answer in zip(sizes, answers, strict=True) if answer.startswith("200 ")]
        assert len(won) == 1, answers
        (lost,) = [answer for answer in answers if not answer.startswith("200 ")]
        assert lost == f"409 {won[0]}\n"
        size = won[0]
    assert (
        f"{peer.origin}  cosigned at size {size}" in disk_witness.manage("witness", "list").stdout
    )

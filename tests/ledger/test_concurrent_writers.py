"""Gapless sequence numbers under concurrent writers and sealers, on PostgreSQL."""

from __future__ import annotations

import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections

from hashbank.ledger import services
from hashbank.ledger.models import Change, Entry
from hashbank.signals import services as signals
from hashbank.signals.models import Signal
from tests.ledger import fixtures
from tests.ledger.fixtures import random_pdq

keys = fixtures.keys
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

WRITERS = 6
HOLDS_EACH = 30


def writer(
    shared_values: list[str], errors: list[BaseException], barrier: threading.Barrier
) -> None:
    try:
        barrier.wait()
        for i in range(HOLDS_EACH):
            # Half the holds hit values other writers hold too (one signal, several holds).
            value = shared_values[i % len(shared_values)] if i % 2 else random_pdq()
            signal = signals.hold(signal_type="pdq", value=value, quality=90)
            if i % 5 == 4:
                signals.release(signal=signal, reason="withdrawn")
            if i % 3 == 0:
                services.seal()
    except BaseException as exc:  # reported by the test thread
        errors.append(exc)
    finally:
        connections.close_all()


def test_concurrent_holds_and_seals_give_gapless_sequence_numbers_and_a_clean_audit(keys):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent sealing needs PostgreSQL row locks (DATABASE_URL=postgres://...)")
    shared = [random_pdq() for _ in range(5)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(WRITERS)
    threads = [
        threading.Thread(target=writer, args=(shared, errors, barrier)) for _ in range(WRITERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    while Change.objects.exists():
        services.seal()

    seqs = list(Entry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(len(seqs)))
    adds = Entry.objects.filter(kind=Entry.ADD).count()
    removes = Entry.objects.filter(kind=Entry.REMOVE).count()
    active = Signal.objects.filter(active_holds__gt=0).count()
    assert adds - removes == active == Signal.objects.filter(state="active").count()
    out = io.StringIO()
    call_command("ledger", "verify", stdout=out, stderr=io.StringIO())
    assert f"checked {len(seqs)} entries" in out.getvalue()

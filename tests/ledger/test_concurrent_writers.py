"""Gapless sequence numbers under concurrent writers (single holds and releases, whole cases
submitted and withdrawn) and concurrent sealers, on PostgreSQL: no deadlock, no gap, and the
ledger's counts agree with the signals' holds."""

from __future__ import annotations

import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections

from hashbank.cases import services as cases
from hashbank.ledger import services
from hashbank.ledger.models import Entry
from hashbank.signals import services as signals
from hashbank.signals.models import Change, Signal
from tests.fixtures.values import random_pdq

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

WRITERS = 4
SUBMITTERS = 3
SEALERS = 2
HOLDS_EACH = 30
ATTESTED = {"adult": True, "depicted": True, "consent": True}


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


def submitter(
    shared_values: list[str], errors: list[BaseException], barrier: threading.Barrier
) -> None:
    """Whole cases through the submission service (several values per statement), overlapping
    each other's values, then withdrawn."""
    try:
        barrier.wait()
        for i in range(HOLDS_EACH // 3):
            hashes = [{"type": "pdq", "value": v, "quality": 90} for v in shared_values[i % 3 :]]
            hashes.append({"type": "pdq", "value": random_pdq(), "quality": 90})
            case, _ = cases.submit_case(hashes=hashes, attestations=ATTESTED)
            if i % 2:
                cases.withdraw(case=case)
    except BaseException as exc:  # reported by the test thread
        errors.append(exc)
    finally:
        connections.close_all()


def sealer(errors: list[BaseException], barrier: threading.Barrier) -> None:
    try:
        barrier.wait()
        for _ in range(10):
            services.seal()
    except BaseException as exc:  # reported by the test thread
        errors.append(exc)
    finally:
        connections.close_all()


def test_concurrent_holds_submissions_and_seals_give_gapless_sequences_and_a_clean_audit(
    signing_key,
):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent sealing needs PostgreSQL row locks (DATABASE_URL=postgres://...)")
    shared = [random_pdq() for _ in range(5)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(WRITERS + SUBMITTERS + SEALERS)
    threads = (
        [threading.Thread(target=writer, args=(shared, errors, barrier)) for _ in range(WRITERS)]
        + [
            threading.Thread(target=submitter, args=(shared, errors, barrier))
            for _ in range(SUBMITTERS)
        ]
        + [threading.Thread(target=sealer, args=(errors, barrier)) for _ in range(SEALERS)]
    )
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

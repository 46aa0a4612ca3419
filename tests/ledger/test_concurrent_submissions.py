"""Gapless sequence numbers under concurrent submissions and concurrent sealers (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection

from hashbank.ledger import audit, services
from hashbank.ledger.models import Entry
from hashbank.signals import services as signals
from hashbank.signals.types import RemovalReason
from tests.ledger.conftest import random_pdq

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]


def run_threads(targets) -> list[BaseException]:
    errors: list[BaseException] = []

    def wrap(fn):
        def inner():
            try:
                fn()
            except BaseException as exc:  # noqa: BLE001 - reported by the test
                errors.append(exc)
            finally:
                close_old_connections()
                connection.close()

        return inner

    threads = [threading.Thread(target=wrap(t)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_concurrent_holds_releases_and_seals_give_gapless_sequences(ledger_keys) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrency (SQLite serialises writers)")
    shared = random_pdq()

    def submitter():
        for _ in range(15):
            signals.hold(signal_type="pdq", value=random_pdq(), quality=70)
            signal = signals.hold(signal_type="pdq", value=shared, quality=70)
            signals.release(signal=signal, reason=RemovalReason.WITHDRAWN)

    def sealer():
        for _ in range(10):
            services.seal()

    errors = run_threads([submitter] * 4 + [sealer] * 3)
    assert errors == []
    while services.seal() is not None:
        pass
    seqs = list(Entry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(len(seqs)))
    assert len(seqs) >= 60
    assert audit.verify_ledger() == []

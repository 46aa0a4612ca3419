"""Concurrent writers (web workers recording staff actions at once) keep one gapless chain."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from hashbank.audit.models import AuditEntry
from hashbank.audit.services import record_event, verify_chain

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_parallel_record_event_keeps_the_chain_intact():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks (SQLite serialises writers anyway)")
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        from django.db import connection as own

        try:
            for i in range(25):
                record_event(actor=f"worker{n}", action="case.note_added", target=f"case:{n}-{i}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert list(AuditEntry.objects.values_list("seq", flat=True)) == list(range(150))
    report = verify_chain()
    assert report.ok and report.checked == 150

"""Upgrading moves queued changes from the ledger's old queue to the signals' outbox: in order,
with their times, none lost; downgrading moves them back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("signals", "0004_signal_add_seq"),
    ("ledger", "0002_change_and_entry_signal_unconstrained"),
]
AFTER = [("signals", "0005_change_outbox"), ("ledger", "0003_change_moved_to_signals")]
QUEUED_AT = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_queued_changes_move_to_the_outbox_in_order_with_their_times_and_back():
    old = _migrate(BEFORE)
    Signal = old.get_model("signals", "Signal")
    signals = [
        Signal.objects.create(signal_type="md5", value=f"{i:032x}", salt=b"s", digest=b"d" * 32)
        for i in range(3)
    ]
    OldChange = old.get_model("ledger", "Change")
    for signal, kind in zip(signals, ["add", "add", "remove"], strict=True):
        change = OldChange.objects.create(signal_id=signal.pk, kind=kind, reason="")
        OldChange.objects.filter(pk=change.pk).update(created_at=QUEUED_AT)

    new = _migrate(AFTER)
    moved = list(new.get_model("signals", "Change").objects.order_by("id"))
    assert [(c.signal_id, c.kind) for c in moved] == [
        (signals[0].pk, "add"),
        (signals[1].pk, "add"),
        (signals[2].pk, "remove"),
    ]
    assert {c.created_at for c in moved} == {QUEUED_AT}
    assert "ledger_change" not in connection.introspection.table_names()

    back = _migrate(BEFORE)
    assert [
        (c.signal_id, c.kind) for c in back.get_model("ledger", "Change").objects.order_by("id")
    ] == [
        (signals[0].pk, "add"),
        (signals[1].pk, "add"),
        (signals[2].pk, "remove"),
    ]
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # every app as the other tests expect

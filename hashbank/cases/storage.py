"""A new case and its holds, PostgreSQL and SQLite side by side.

On PostgreSQL the person's submission is one statement: the case, its signals
(signals.services.holding_ctes) and its holds, so the busiest write of the service needs no
BEGIN and COMMIT round trips and is parsed and planned once per connection (core.db). Elsewhere
the ORM writes the same rows in the caller's transaction.
"""

from __future__ import annotations

import json

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from hashbank.cases.models import Case, CaseSignal
from hashbank.core.db import fetch_prepared
from hashbank.signals import services as signal_services

Items = list[tuple[str, str, int | None]]


def insert_case(
    *,
    number: str,
    fields: dict,
    items: Items,
    item_ids: dict[tuple[str, str], str],
    held: Items = (),
) -> Case | None:
    """The case under `number` holding `items` (and, without holding them in the feed, the
    `held` ones, rows with status held), each in its item (photo) of `item_ids`, or None when the
    number is taken (nothing is written then, and a caller's transaction stays usable)."""
    if connection.vendor == "postgresql" and not held:
        return _insert_in_one_statement(
            number=number, fields=fields, items=items, item_ids=item_ids
        )
    try:
        with transaction.atomic():
            case = Case.objects.create(number=number, **fields)
            signals = signal_services.hold_many(items=items, mix_group=case.pk) if items else []
            kept = [
                signal_services.get_or_create(signal_type=t, value=v, quality=q) for t, v, q in held
            ]
            CaseSignal.objects.bulk_create(
                [
                    CaseSignal(
                        case=case,
                        signal=signal,
                        item=item_ids.get((signal.signal_type, signal.value), ""),
                    )
                    for signal in signals
                ]
                + [
                    CaseSignal(
                        case=case,
                        signal=s,
                        status=CaseSignal.Status.HELD,
                        item=item_ids.get((s.signal_type, s.value), ""),
                    )
                    for s in kept
                ]
            )
            case.shares_values = any(signal.active_holds > 1 for signal in signals)
            return case
    except IntegrityError:
        return None


# A colliding number inserts no case, so nothing is held.
_CREATE_CASE_SQL = """
WITH new_case AS (
    INSERT INTO {case} (number, pin_hash, staff_assisted, attestations, created_at,
                        failed_pin_attempts)
    VALUES (%(number)s, %(pin_hash)s, %(staff_assisted)s, %(attestations)s::jsonb, %(now)s, 0)
    ON CONFLICT (number) DO NOTHING
    RETURNING id
), {holding}, holds AS (
    INSERT INTO {case_signal} (case_id, signal_id, status, created_at, changed_at, item)
    SELECT new_case.id, held.id, %(active)s, %(now)s, %(now)s, COALESCE(items.item, '')
    FROM new_case, held
    LEFT JOIN jsonb_to_recordset(%(item_ids)s::jsonb) AS items(t text, v text, item text, pos int)
        ON items.t = held.signal_type AND items.v = held.value
    -- The holds' ids in the order the person sent the hashes (the status page numbers the
    -- photos by them), not in the (type, value) order in which the signals were locked.
    ORDER BY items.pos
)
SELECT id, (SELECT count(*) FROM held WHERE active_holds = 1),
    (SELECT count(*) FROM held WHERE active_holds > 1) FROM new_case
"""


def _insert_in_one_statement(
    *, number: str, fields: dict, items: Items, item_ids: dict[tuple[str, str], str]
) -> Case | None:
    now = timezone.now()
    holding, params = signal_services.holding_ctes(
        items, now=now, only_after="new_case", mix_group_sql="(SELECT id FROM new_case)"
    )
    sql = _CREATE_CASE_SQL.format(
        case=Case._meta.db_table, case_signal=CaseSignal._meta.db_table, holding=holding
    )
    params.update(
        number=number,
        pin_hash=fields["pin_hash"],
        staff_assisted=fields["staff_assisted"],
        attestations=json.dumps(fields["attestations"]),
        active=CaseSignal.Status.ACTIVE.value,
        item_ids=json.dumps(
            [
                {"t": t, "v": v, "item": item, "pos": pos}
                for pos, ((t, v), item) in enumerate(item_ids.items())
            ]
        ),
    )
    rows = fetch_prepared(sql, params)
    if not rows:
        return None
    case_id, published, shared = rows[0]
    signal_services.seal_if_published(published)
    case = Case(id=case_id, number=number, created_at=now, **fields)
    case._state.adding, case._state.db = False, connection.alias
    case.shares_values = bool(shared)  # another case holds one of its values too
    return case

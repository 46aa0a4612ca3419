"""Writes on cases. Every change to what the feed holds goes through signals.services (hold and
release), so that the ledger stays the only record of what was published and withdrawn.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from hashbank.audit import services as audit
from hashbank.cases import assisted, pins, storage, unknown_numbers
from hashbank.cases.errors import (
    CaseErrorCode,
    CaseLocked,
    InvalidSubmission,
    InvalidTransition,
    PinRetryLater,
    WrongCredentials,
)
from hashbank.cases.models import AssistedCode, Case, CaseNote, CaseSignal
from hashbank.core.errors import DomainError, NotFound
from hashbank.signals import services as signal_services
from hashbank.signals import types as signal_types
from hashbank.signals.types import RemovalReason

log = logging.getLogger(__name__)

MAX_HASHES_PER_CASE = 1000
MIN_PDQ_QUALITY = 50
REQUIRED_ATTESTATIONS = ("adult", "depicted", "consent")
# Wrong PINs: the first few are free, then each waits twice as long, then the case locks.
FREE_PIN_FAILURES = 3
LOCK_AFTER_PIN_FAILURES = 10
MAX_PIN_DELAY_SECONDS = 300


def _audit(*, actor: Any, action: str, case: Case, before: Any = None, after: Any = None) -> None:
    """Staff actions on a case are recorded in the audit chain; the person's own are not."""
    if actor is None:
        return
    audit.record_event(
        actor=actor, action=action, target=f"case:{case.number}", before=before, after=after
    )


def _clean_hashes(hashes: Any) -> list[tuple[str, str, int | None]]:
    """Every hash checked (by signals.types) before anything is written; duplicates dropped."""
    if not isinstance(hashes, list) or not hashes:
        raise InvalidSubmission("Send at least one hash.", code=CaseErrorCode.NO_HASHES)
    if len(hashes) > MAX_HASHES_PER_CASE:
        raise InvalidSubmission(
            f"A case holds at most {MAX_HASHES_PER_CASE} hashes.",
            code=CaseErrorCode.TOO_MANY_HASHES,
            detail={"max": MAX_HASHES_PER_CASE},
        )
    cleaned: list[tuple[str, str, int | None]] = []
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(hashes):
        if not isinstance(item, dict) or set(item) - {"type", "value", "quality"}:
            raise InvalidSubmission(
                "Each hash is an object with type, value and (for pdq) quality.",
                code=CaseErrorCode.INVALID_HASH,
                detail={"index": index},
            )
        try:
            signal_type, value, quality = signal_types.normalize(
                item.get("type"), item.get("value"), item.get("quality")
            )
        except DomainError as error:
            error.detail = {"index": index}
            raise
        if signal_type == "pdq" and quality < MIN_PDQ_QUALITY:
            raise InvalidSubmission(
                f"PDQ hashes of quality below {MIN_PDQ_QUALITY} are unreliable and not accepted.",
                code=CaseErrorCode.LOW_QUALITY_PDQ,
                detail={"index": index},
            )
        if (signal_type, value) not in seen:  # the same file picked twice is held once
            seen.add((signal_type, value))
            cleaned.append((signal_type, value, quality))
    return cleaned


def _clean_attestations(attestations: Any) -> dict[str, bool]:
    if not isinstance(attestations, dict) or any(
        attestations.get(name) is not True for name in REQUIRED_ATTESTATIONS
    ):
        raise InvalidSubmission(
            "Every attestation must be confirmed.",
            code=CaseErrorCode.ATTESTATION_REQUIRED,
            detail={"required": list(REQUIRED_ATTESTATIONS)},
        )
    return {name: True for name in REQUIRED_ATTESTATIONS}


def submit_case(
    *,
    hashes: Sequence[dict],
    attestations: dict,
    staff_assisted: bool = False,
    actor: Any = None,
    language: str = "",
    assisted_code: str | None = None,
) -> tuple[Case, str]:
    """Create a case holding `hashes` (each {type, value, quality?}); returns (case, PIN).

    With `assisted_code` (a caseworker's one-time code the person entered on their own device)
    the code is used up in the same transaction, and the case is staff-assisted and assigned to
    the caseworker who issued it; a code that is used, expired or unknown refuses the whole case
    (`assisted_code_invalid`), so the person is never linked to the wrong caseworker silently.

    All or nothing: a hash that signals.types refuses rolls the whole case back. Once the case is
    committed the PIN is returned even if an after-commit step (queueing the seal) fails: the
    person could never see it again, and the pending ledger changes are sealed by the next seal.
    """
    cleaned = _clean_hashes(hashes)
    recorded = _clean_attestations(attestations)
    if language:
        recorded["language"] = language[:8]
    pin = pins.new_pin()
    pin_hash = pins.hash_pin(pin)  # slow on purpose: outside the transaction
    fields = {"pin_hash": pin_hash, "staff_assisted": staff_assisted, "attestations": recorded}
    if connection.vendor == "postgresql" and actor is None and assisted_code is None:
        # The person's own submission writes nothing else, and one statement is a transaction
        # of its own: no BEGIN and COMMIT round trips on the busiest write of the service.
        return _create_case(fields=fields, items=cleaned), pin
    committed: list[bool] = []
    result: tuple[Case, str] | None = None
    try:
        with transaction.atomic():
            # Registered first, so it runs before any other after-commit hook can fail.
            transaction.on_commit(lambda: committed.append(True))
            code = _take_assisted_code(assisted_code) if assisted_code is not None else None
            if code is not None:
                fields = {**fields, "staff_assisted": True}
            case = _create_case(fields=fields, items=cleaned)
            _audit(actor=actor, action="case.submitted", case=case, after={"hashes": len(cleaned)})
            if code is not None:
                _link_assisted_case(code, case, hashes=len(cleaned))
            result = case, pin
    except Exception:
        if not committed or result is None:
            raise
        log.exception("a case was saved but an after-commit step failed; sealing will catch up")
    return result


def issue_assisted_code(*, actor: Any) -> tuple[AssistedCode, str]:
    """A one-time code for `actor` (a caseworker) to read to the person, valid for
    `assisted.LIFETIME`; returns (row, code). Only the code's keyed hash is stored; the issue is
    audited (`case.assisted_code_issued`, with its expiry, never the code)."""
    now = timezone.now()
    for _ in range(5):
        code = assisted.new_code()
        try:
            with transaction.atomic():
                row = AssistedCode.objects.create(
                    code_hash=assisted.code_hash(code),
                    issued_by=actor,
                    created_at=now,
                    expires_at=now + assisted.LIFETIME,
                )
                audit.record_event(
                    actor=actor,
                    action="case.assisted_code_issued",
                    target=f"assisted_code:{row.pk}",
                    after={"expires_at": row.expires_at.isoformat()},
                )
        except IntegrityError:
            continue  # the same 39-bit code is live already: draw again
        return row, code
    raise DomainError("Could not draw a code.", code=CaseErrorCode.TRY_AGAIN, status=503)


def _invalid_code() -> DomainError:
    return InvalidSubmission(
        "The helpline code is not valid any more: it was used, it expired, or it was mistyped. "
        "Nothing was saved. Ask the helpline for a new code, or submit without one.",
        code=CaseErrorCode.ASSISTED_CODE_INVALID,
    )


def _take_assisted_code(text: str) -> AssistedCode:
    """The usable code row for `text`, locked in the caller's transaction; or the error."""
    code = assisted.normalize(text)
    if code is None:
        raise _invalid_code()
    row = (
        AssistedCode.objects.select_for_update()
        .select_related("issued_by")
        .filter(code_hash=assisted.code_hash(code))
        .first()
    )
    if row is None or not row.is_usable:
        raise _invalid_code()
    return row


def _link_assisted_case(code: AssistedCode, case: Case, *, hashes: int) -> None:
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(assignee_id=code.issued_by_id, staff_assisted=True)
    case.assignee_id, case.staff_assisted = code.issued_by_id, True
    code.used_at, code.case = now, case
    code.save(update_fields=["used_at", "case"])
    # The person acted, not the caseworker: recorded as the system's, naming the caseworker.
    audit.record_event(
        actor=None,
        action="case.assisted_code_used",
        target=f"case:{case.number}",
        after={
            "assisted_code": code.pk,
            "caseworker": code.issued_by.get_username(),
            "hashes": hashes,
        },
    )


def _create_case(*, fields: dict, items: list[tuple[str, str, int | None]]) -> Case:
    """The case under a fresh number, holding `items`; the caller runs it in a transaction
    (PostgreSQL needs none: it is one statement)."""
    for _ in range(5):
        case = storage.insert_case(number=pins.new_case_number(), fields=fields, items=items)
        if case is not None:
            return case
        # a 40-bit number collided; draw again
    raise DomainError("Could not allocate a case number.", code=CaseErrorCode.TRY_AGAIN, status=503)


def authenticate_case(*, number: str, pin: str) -> Case:
    """The case for (number, PIN), or an error; wrong PINs count towards the case's lock.

    A well-formed number with no case behind it gets the same answers in the same order: its
    wrong PINs are counted too (in `unknown_numbers`, by a keyed hash of the number), so that it
    is delayed after the third and "locked" after the tenth like a real case. Otherwise the
    fourth wrong PIN would tell whether a case exists (a delay for a real one, none for a guess).
    """
    normalized = pins.normalize_case_number(number)
    case = Case.objects.filter(number=normalized).first() if normalized else None
    now = timezone.now()
    if case is not None:
        locked, next_attempt_at = case.is_locked, case.next_pin_attempt_at
    elif normalized is not None:
        locked, next_attempt_at = unknown_numbers.state(normalized)
    else:
        locked, next_attempt_at = False, None
    if locked:
        pins.verify_pin(None, None)
        raise CaseLocked("This case is locked after too many wrong PINs; contact the helpline.")
    if next_attempt_at and next_attempt_at > now:
        wait = int((next_attempt_at - now).total_seconds()) + 1
        raise PinRetryLater(f"Too many wrong PINs; try again in {wait} seconds.", retry_after=wait)
    if pins.verify_pin(pins.normalize_pin(pin), case.pin_hash if case else None):
        if case.failed_pin_attempts:
            Case.objects.filter(pk=case.pk).update(failed_pin_attempts=0, next_pin_attempt_at=None)
            case.failed_pin_attempts, case.next_pin_attempt_at = 0, None
        return case
    if case is not None:
        _record_pin_failure(case, now)
    elif normalized is not None:
        unknown_numbers.record_failure(
            normalized, now=now, schedule=partial(_pin_schedule, now=now)
        )
    raise WrongCredentials("The case number or the PIN is not right.")


def pin_delay_after(failures: int) -> int | None:
    """Seconds before the next PIN attempt after `failures` wrong ones in a row (None: free)."""
    if failures < FREE_PIN_FAILURES:
        return None
    return min(2 ** (failures - FREE_PIN_FAILURES), MAX_PIN_DELAY_SECONDS)


def _pin_schedule(failures: int, *, now: dt.datetime) -> tuple[bool, dt.datetime | None]:
    """(locked, next attempt at) after `failures` wrong PINs, as `_record_pin_failure` sets it."""
    if failures >= LOCK_AFTER_PIN_FAILURES:
        return True, None
    delay = pin_delay_after(failures)
    return False, (now + dt.timedelta(seconds=delay) if delay is not None else None)


@transaction.atomic  # one commit, as for an unknown number (unknown_numbers.record_failure)
def _record_pin_failure(case: Case, now: dt.datetime) -> None:
    Case.objects.filter(pk=case.pk).update(failed_pin_attempts=F("failed_pin_attempts") + 1)
    case.refresh_from_db(fields=["failed_pin_attempts"])
    failures = case.failed_pin_attempts
    if failures >= LOCK_AFTER_PIN_FAILURES:
        Case.objects.filter(pk=case.pk, locked_at__isnull=True).update(locked_at=now)
    elif (delay := pin_delay_after(failures)) is not None:
        Case.objects.filter(pk=case.pk).update(
            next_pin_attempt_at=now + dt.timedelta(seconds=delay)
        )


@transaction.atomic
def withdraw(
    *,
    case: Case,
    case_signal_ids: Iterable[int] | None = None,
    actor: Any = None,
    reason: str = "",
) -> list[CaseSignal]:
    """Withdraw some (or, with None, all) of a case's hashes; final. Returns the rows it changed.

    The person withdraws their own (no actor): idempotent, a withdrawn hash stays withdrawn. A
    caseworker withdraws on their behalf (`actor`, with `reason`): audited, one entry per hash,
    and naming only hashes that are already out of the feed is an error they see.
    An active hash is released (a `remove` reaches the ledger when no other case holds it); one
    under review already had its hold released, so it only changes status.
    """
    # Signals released in (type, value) order, the order in which every writer locks them.
    rows = (
        CaseSignal.objects.select_for_update()
        .filter(case=case)
        .select_related("signal")
        .order_by("signal__signal_type", "signal__value")
    )
    if case_signal_ids is not None:
        wanted = set(case_signal_ids)
        rows = rows.filter(pk__in=wanted)
        if len(rows) != len(wanted):
            raise NotFound(
                "One of those hashes is not in this case.", code=CaseErrorCode.UNKNOWN_HASH
            )
    changed = []
    release = signal_services.release
    for row in rows:
        if row.status in (CaseSignal.Status.WITHDRAWN, CaseSignal.Status.REMOVED):
            continue
        before = row.status
        if row.status == CaseSignal.Status.ACTIVE:
            release(signal=row.signal, reason=RemovalReason.WITHDRAWN)
        row.status = CaseSignal.Status.WITHDRAWN
        row.save(update_fields=["status", "changed_at"])
        changed.append(row)
        _audit(
            actor=actor,
            action="case.signal_withdrawn",
            case=case,
            before={"case_signal": row.pk, "status": before},
            after={"case_signal": row.pk, "status": row.status, "reason": reason},
        )
    if actor is not None and not changed:
        raise InvalidTransition("This hash is already withdrawn or removed.")
    return changed


@transaction.atomic
def suspend(*, case_signal: CaseSignal, actor: Any, reason: str = "") -> CaseSignal:
    """A caseworker takes a hash out of the feed while it is reviewed."""
    row = (
        CaseSignal.objects.select_for_update()
        .select_related("signal", "case")
        .get(pk=case_signal.pk)
    )
    if row.status != CaseSignal.Status.ACTIVE:
        raise InvalidTransition("Only an active hash can be suspended.")
    signal_services.release(signal=row.signal, reason=RemovalReason.SUSPENDED)
    row.status = CaseSignal.Status.SUSPENDED
    row.save(update_fields=["status", "changed_at"])
    _audit(
        actor=actor,
        action="case.signal_suspended",
        case=row.case,
        after={"reason": reason, "case_signal": row.pk},
    )
    return row


@transaction.atomic
def suspend_all(*, case: Case, actor: Any, reason: str = "") -> list[CaseSignal]:
    """A caseworker takes every active hash of a case out of the feed at once (one decision,
    one audit entry per hash). Refused when none is active."""
    # Signals released in (type, value) order, the order in which every writer locks them.
    rows = list(
        CaseSignal.objects.select_for_update()
        .filter(case=case, status=CaseSignal.Status.ACTIVE)
        .select_related("signal")
        .order_by("signal__signal_type", "signal__value")
    )
    if not rows:
        raise InvalidTransition("No hash of this case is active.")
    for row in rows:
        signal_services.release(signal=row.signal, reason=RemovalReason.SUSPENDED)
        row.status = CaseSignal.Status.SUSPENDED
        row.save(update_fields=["status", "changed_at"])
        _audit(
            actor=actor,
            action="case.signal_suspended",
            case=case,
            after={"reason": reason, "case_signal": row.pk},
        )
    return rows


@transaction.atomic
def restore(*, case_signal: CaseSignal, actor: Any) -> CaseSignal:
    """A caseworker puts a suspended hash back in the feed."""
    row = (
        CaseSignal.objects.select_for_update()
        .select_related("signal", "case")
        .get(pk=case_signal.pk)
    )
    if row.status != CaseSignal.Status.SUSPENDED:
        raise InvalidTransition("Only a suspended hash can be restored.")
    signal = row.signal
    signal_services.hold(signal_type=signal.signal_type, value=signal.value, quality=signal.quality)
    row.status = CaseSignal.Status.ACTIVE
    row.save(update_fields=["status", "changed_at"])
    _audit(actor=actor, action="case.signal_restored", case=row.case, after={"case_signal": row.pk})
    return row


@transaction.atomic
def remove_signal_after_review(*, signal: Any, reason: Any) -> list[CaseSignal]:
    """A review (e.g. an upheld dispute) removes a signal for every case that holds it."""
    if isinstance(reason, str):
        reason = RemovalReason(reason)
    rows = list(
        CaseSignal.objects.select_for_update()
        .filter(signal=signal, status__in=[CaseSignal.Status.ACTIVE, CaseSignal.Status.SUSPENDED])
        .select_related("signal")
    )
    release = signal_services.release
    for row in rows:
        if row.status == CaseSignal.Status.ACTIVE:
            release(signal=row.signal, reason=reason)
        row.status = CaseSignal.Status.REMOVED
        row.save(update_fields=["status", "changed_at"])
    return rows


def unlock_case(*, case: Case, actor: Any) -> Case:
    """A caseworker unlocks a case that wrong PINs locked (after checking who is asking)."""
    before = {"failed_pin_attempts": case.failed_pin_attempts, "locked": case.is_locked}
    Case.objects.filter(pk=case.pk).update(
        failed_pin_attempts=0, next_pin_attempt_at=None, locked_at=None
    )
    case.refresh_from_db()
    _audit(actor=actor, action="case.unlocked", case=case, before=before, after={"locked": False})
    return case


def add_note(*, case: Case, actor: Any, text: str) -> CaseNote:
    text = (text or "").strip()
    if not text or len(text) > 4000:
        raise DomainError("A note has 1 to 4000 characters.", code=CaseErrorCode.INVALID_NOTE)
    note = CaseNote(case=case, author=actor, text=text)
    note.full_clean()
    note.save()
    _audit(actor=actor, action="case.note_added", case=case, after={"note": note.pk})
    return note


def assign(*, case: Case, assignee: Any, actor: Any) -> Case:
    """A caseworker takes a case (or gives it to a colleague, or, with None, leaves it
    unassigned); audited with both names. `assignee` must be an active staff account."""
    if assignee is not None and not (assignee.is_active and assignee.is_staff):
        raise DomainError(
            "Cases are assigned to active staff accounts only.",
            code=CaseErrorCode.INVALID_ASSIGNEE,
        )
    before = case.assignee.get_username() if case.assignee_id else ""
    Case.objects.filter(pk=case.pk).update(assignee=assignee)
    case.assignee = assignee
    after = assignee.get_username() if assignee is not None else ""
    _audit(
        actor=actor,
        action="case.assigned",
        case=case,
        before={"assignee": before},
        after={"assignee": after},
    )
    return case

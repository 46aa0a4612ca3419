"""Writes on cases. Every change to what the feed holds goes through signals.services (hold and
release), so that the ledger stays the only record of what was published and withdrawn.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from hashbank.audit import services as audit
from hashbank.benign import selectors as benign_selectors
from hashbank.benign import services as benign_services
from hashbank.cases import assisted, pins, storage, unknown_numbers
from hashbank.cases.errors import (
    CaseErrorCode,
    CaseLocked,
    InvalidSubmission,
    InvalidTransition,
    PinRetryLater,
    WrongCredentials,
)
from hashbank.cases.models import AssistedCode, Case, CaseNote, CaseSignal, PossessionCheck
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


def _clean_hashes(
    hashes: Any,
) -> tuple[list[tuple[str, str, int | None]], dict[tuple[str, str], str]]:
    """Every hash checked (by signals.types) before anything is written; duplicates dropped.

    Returns the hashes and, per (type, value), the opaque id of the item (photo or video) it
    belongs to: hashes sent with the same `file` number share one; a hash without one is an item
    of its own. A value sent for two files belongs to the first."""
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
    files: list[Any] = []
    for index, item in enumerate(hashes):
        if not isinstance(item, dict) or set(item) - {"type", "value", "quality", "file"}:
            raise InvalidSubmission(
                "Each hash is an object with type, value, (for pdq) quality and optionally file.",
                code=CaseErrorCode.INVALID_HASH,
                detail={"index": index},
            )
        file = item.get("file", ("alone", index))
        if "file" in item and not (type(file) is int and 0 <= file < MAX_HASHES_PER_CASE):
            raise InvalidSubmission(
                f"A hash's file is a whole number from 0 to {MAX_HASHES_PER_CASE - 1}.",
                code=CaseErrorCode.INVALID_FILE,
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
            files.append(file)
    if all(signal_type == "phash" for signal_type, _, _ in cleaned):
        # 64 bits of pHash alone match too loosely to publish; the hashers always send it with
        # the PDQ and MD5 of the same image (docs/submissions.md).
        raise InvalidSubmission(
            "A phash is accepted only with the pdq or md5 of the same image.",
            code=CaseErrorCode.PHASH_ONLY,
        )
    return cleaned, _item_ids(cleaned, files)


def _item_ids(
    cleaned: list[tuple[str, str, int | None]], files: list[Any]
) -> dict[tuple[str, str], str]:
    """A fresh random id per distinct file, distinct within the case."""
    ids: dict[Any, str] = {}
    taken: set[str] = set()
    for file in files:
        if file not in ids:
            new = secrets.token_hex(4)
            while new in taken:
                new = secrets.token_hex(4)
            taken.add(new)
            ids[file] = new
    return {(t, v): ids[file] for (t, v, _q), file in zip(cleaned, files, strict=True)}


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
    cleaned, item_ids = _clean_hashes(hashes)
    recorded = _clean_attestations(attestations)
    # Hashes near a benign one wait for a caseworker (benign.selectors): the case keeps them,
    # the feed does not, until a caseworker decides (decide_held).
    near = benign_selectors.near_benign(cleaned)
    if language:
        recorded["language"] = language[:8]
    pin = pins.new_pin()
    pin_hash = pins.hash_pin(pin)  # slow on purpose: outside the transaction
    fields = {"pin_hash": pin_hash, "staff_assisted": staff_assisted, "attestations": recorded}
    if connection.vendor == "postgresql" and actor is None and not near and assisted_code is None:
        # The person's own submission writes nothing else, and one statement is a transaction
        # of its own: no BEGIN and COMMIT round trips on the busiest write of the service.
        case = _create_case(fields=fields, items=cleaned, item_ids=item_ids)
        if case.shares_values:
            try:
                corroborate_second_cases(case=case)
            except DatabaseError:  # the case is committed; a caseworker can still confirm
                log.exception("a second case's corroboration failed")
        return case, pin
    committed: list[bool] = []
    result: tuple[Case, str] | None = None
    try:
        with transaction.atomic():
            # Registered first, so it runs before any other after-commit hook can fail.
            transaction.on_commit(lambda: committed.append(True))
            code = _take_assisted_code(assisted_code) if assisted_code is not None else None
            if code is not None:
                fields = {**fields, "staff_assisted": True}
            case = _create_case(fields=fields, items=cleaned, item_ids=item_ids, near=near)
            if case.shares_values:
                corroborate_second_cases(case=case)
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
    for _attempt in range(5):
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


@transaction.atomic
def corroborate_second_cases(*, case: Case) -> int:
    """The values of `case` that another active case holds too are corroborated (basis
    second_case) when the two are independent: one of them was submitted with a caseworker, who
    spoke with that person. Two anonymous cases are not (one person can submit twice): the
    console shows "also held by" and a caseworker confirms. Returns how many it corroborated."""
    shared = CaseSignal.objects.filter(
        case=case, status=CaseSignal.Status.ACTIVE, signal__active_holds__gt=1
    ).values("signal_id")
    others = CaseSignal.objects.filter(signal_id__in=shared, status=CaseSignal.Status.ACTIVE)
    others = others.exclude(case=case)
    if not case.staff_assisted:
        others = others.filter(case__staff_assisted=True)
    ids = set(others.values_list("signal_id", flat=True))
    # Locked in (type, value) order inside corroborate, one at a time in that order.
    signals = signal_services.signals_in_lock_order(ids)
    for signal in signals:
        signal_services.corroborate(signal=signal, basis="second_case", by=f"case {case.pk}")
    return len(signals)


def _create_case(
    *,
    fields: dict,
    items: list[tuple[str, str, int | None]],
    item_ids: dict[tuple[str, str], str],
    near: dict | None = None,
) -> Case:
    """The case under a fresh number, holding `items` (grouped into photos by `item_ids`) but
    those `near` a benign hash (index -> (benign hash, distance)), which it keeps held for review;
    the caller runs it in a transaction (PostgreSQL needs none without `near`: it is one
    statement)."""
    near = near or {}
    published = [item for i, item in enumerate(items) if i not in near]
    held = [item for i, item in enumerate(items) if i in near]
    for _attempt in range(5):
        case = storage.insert_case(
            number=pins.new_case_number(),
            fields=fields,
            items=published,
            item_ids=item_ids,
            held=held,
        )
        if case is not None:
            if near:
                rows = {
                    (row.signal.signal_type, row.signal.value): row.pk
                    for row in case.case_signals.filter(
                        status=CaseSignal.Status.HELD
                    ).select_related("signal")
                }
                benign_services.record_held(
                    matches=[
                        (rows[(items[i][0], items[i][1])], benign, distance)
                        for i, (benign, distance) in near.items()
                    ]
                )
            return case
        # a 40-bit number collided; draw again
    raise DomainError("Could not allocate a case number.", code=CaseErrorCode.TRY_AGAIN, status=503)


def authenticate_case(*, number: str, pin: str, guessing: bool = True) -> Case:
    """The case for (number, PIN), or an error; wrong PINs count towards the case's lock.

    The case's delay and lock stop only clients that have been `guessing` (the caller knows:
    a wrong PIN from this client recently, hashbank/submissions/throttle.py). A client that has
    not is always heard, so that whoever guesses at a case number cannot lock its owner out:
    their right PIN still opens it, and a wrong one makes them a guessing client too.

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
    if locked and guessing:
        pins.verify_pin(None, None)
        raise CaseLocked(_("This case is locked after too many wrong PINs; contact the helpline."))
    if guessing and next_attempt_at and next_attempt_at > now:
        wait = int((next_attempt_at - now).total_seconds()) + 1
        raise PinRetryLater(
            _("Too many wrong PINs; try again in %(wait)s seconds.") % {"wait": wait},
            retry_after=wait,
        )
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
    raise WrongCredentials(_("The case number or the PIN is not right."))


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


def _locked_rows(case: Case, case_signal_ids: Iterable[int] | None):
    """The case's holds (or those named, all of which must be the case's), locked, in
    (type, value) order: the order in which every writer locks signals."""
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
                _("One of those hashes is not in this case."), code=CaseErrorCode.UNKNOWN_HASH
            )
    return rows


def _withdraw_rows(
    rows: Iterable[CaseSignal], *, case: Case, actor: Any, reason: str, action: str
) -> list[CaseSignal]:
    """Withdraw the locked `rows` that are not final yet; a scheduled withdrawal is done."""
    changed = []
    release = signal_services.release
    for row in rows:
        if row.status in (CaseSignal.Status.WITHDRAWN, CaseSignal.Status.REMOVED):
            if row.withdrawal_due_at is not None:
                row.withdrawal_due_at = None
                row.save(update_fields=["withdrawal_due_at"])
            continue
        before = row.status
        if row.status == CaseSignal.Status.ACTIVE:
            release(signal=row.signal, reason=RemovalReason.WITHDRAWN, mix_group=case.pk)
        row.status = CaseSignal.Status.WITHDRAWN
        row.withdrawal_due_at = None
        row.save(update_fields=["status", "withdrawal_due_at", "changed_at"])
        changed.append(row)
        _audit(
            actor=actor,
            action=action,
            case=case,
            before={"case_signal": row.pk, "status": before},
            after={"case_signal": row.pk, "status": row.status, "reason": reason},
        )
    return changed


@transaction.atomic
def withdraw(
    *,
    case: Case,
    case_signal_ids: Iterable[int] | None = None,
    actor: Any = None,
    reason: str = "",
) -> list[CaseSignal]:
    """Withdraw some (or, with None, all) of a case's hashes now; final. Returns the rows it
    changed. The person's own requests go through `request_withdrawal` (the cooling-off period).

    Without an actor: idempotent, a withdrawn hash stays withdrawn. A caseworker withdraws on
    the person's behalf (`actor`, with `reason`): audited, one entry per hash, and naming only
    hashes that are already out of the feed is an error they see.
    An active hash is released (a `remove` reaches the ledger when no other case holds it); one
    under review already had its hold released, so it only changes status.
    """
    rows = _locked_rows(case, case_signal_ids)
    changed = _withdraw_rows(
        rows, case=case, actor=actor, reason=reason, action="case.signal_withdrawn"
    )
    if actor is not None and not changed:
        raise InvalidTransition(_("This hash is already withdrawn or removed."))
    return changed


def cooling_off() -> dt.timedelta:
    """How long after the person asks a withdrawal takes effect (HASHBANK_WITHDRAWAL_COOLING_OFF)."""
    return dt.timedelta(seconds=settings.HASHBANK_WITHDRAWAL_COOLING_OFF)


@transaction.atomic
def request_withdrawal(
    *, case: Case, case_signal_ids: Iterable[int] | None = None, now: dt.datetime | None = None
) -> list[CaseSignal]:
    """The person (the PIN holder) asks to withdraw some (None: all) of their hashes.

    With a cooling-off period each hash still in the feed or under review is scheduled to be
    withdrawn at now + the period, and stays where it is until then: the one asking may be an
    abuser holding the victim's phone, and the victim can cancel (`cancel_withdrawal`). Asking
    again keeps the first due time. With none (0), they are withdrawn at once, as `withdraw`.
    Returns the rows withdrawn or scheduled (scheduled ones carry `withdrawal_due_at`).
    """
    if not cooling_off():
        return withdraw(case=case, case_signal_ids=case_signal_ids)
    now = now or timezone.now()
    due = now + cooling_off()
    scheduled = []
    for row in _locked_rows(case, case_signal_ids):
        if row.status not in (CaseSignal.Status.ACTIVE, CaseSignal.Status.SUSPENDED):
            continue
        if row.withdrawal_due_at is None:
            row.withdrawal_due_at = due
            row.save(update_fields=["withdrawal_due_at"])
        scheduled.append(row)
    return scheduled


@transaction.atomic
def cancel_withdrawal(*, case: Case, case_signal_ids: Iterable[int] | None = None) -> int:
    """The PIN holder cancels a scheduled withdrawal of some (None: all) of their hashes; they
    stay in the feed. Returns how many were still scheduled (0 once the withdrawal took effect:
    cancelling is idempotent, and never undoes a withdrawal)."""
    rows = _locked_rows(case, case_signal_ids)
    return rows.filter(withdrawal_due_at__isnull=False).update(withdrawal_due_at=None)


def _apply_scheduled(
    *, case: Case, due_by: dt.datetime | None, actor: Any = None, reason: str = ""
):
    """Withdraw the case's scheduled hashes due by `due_by` (None: all of them), re-read under
    the row locks, so that a cancellation committed first wins."""
    rows = [
        row
        for row in _locked_rows(case, None)
        if row.withdrawal_due_at is not None and (due_by is None or row.withdrawal_due_at <= due_by)
    ]
    return _withdraw_rows(
        rows, case=case, actor=actor, reason=reason, action="case.withdrawal_expedited"
    )


@transaction.atomic
def expedite_withdrawal(*, case: Case, actor: Any, reason: str = "") -> list[CaseSignal]:
    """A caseworker applies the person's scheduled withdrawals now, after checking who is asking
    (audited, one entry per hash). Refused when nothing is scheduled."""
    changed = _apply_scheduled(case=case, due_by=None, actor=actor, reason=reason)
    if not changed:
        raise InvalidTransition(_("No withdrawal of this case is waiting."))
    return changed


def apply_due_withdrawals(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Withdraw every hash whose cooling-off period has ended (beat, every minute); one
    transaction per case. Idempotent: a withdrawn hash is no longer scheduled. Returns how many
    were withdrawn."""
    now = now or timezone.now()
    done = 0
    while True:
        case_ids = list(
            CaseSignal.objects.filter(withdrawal_due_at__lte=now)
            .order_by()
            .values_list("case_id", flat=True)
            .distinct()[:batch]
        )
        for case in Case.objects.filter(pk__in=case_ids):
            with transaction.atomic():
                done += len(_apply_scheduled(case=case, due_by=now))
        if len(case_ids) < batch:
            return done


@transaction.atomic
def suspend(*, case_signal: CaseSignal, actor: Any, reason: str = "") -> CaseSignal:
    """A caseworker takes a hash out of the feed while it is reviewed."""
    row = (
        CaseSignal.objects.select_for_update()
        .select_related("signal", "case")
        .get(pk=case_signal.pk)
    )
    if row.status != CaseSignal.Status.ACTIVE:
        raise InvalidTransition(_("Only an active hash can be suspended."))
    signal_services.release(
        signal=row.signal, reason=RemovalReason.SUSPENDED, mix_group=row.case_id
    )
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
        raise InvalidTransition(_("No hash of this case is active."))
    for row in rows:
        signal_services.release(
            signal=row.signal, reason=RemovalReason.SUSPENDED, mix_group=case.pk
        )
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
def review_signal(*, case_signal: CaseSignal, actor: Any, confirmed: bool) -> CaseSignal:
    """A caseworker reviewed a case's hash: it becomes `confirmed` (basis caseworker_review), or
    (`confirmed=False`) its confirmation is taken back; the next seal appends the tier entry when
    the tier changed (signals.services.corroborate). Only an active hash has a tier."""
    row = CaseSignal.objects.select_related("signal", "case").get(pk=case_signal.pk)
    basis = "caseworker_review" if confirmed else "unreviewed"
    if row.status != CaseSignal.Status.ACTIVE or (
        signal_services.corroborate(
            signal=row.signal, basis=basis, by=f"staff {actor.get_username()}"
        )
        is None
    ):
        raise InvalidTransition(_("Only an active hash has a review tier."))
    _audit(
        actor=actor,
        action="case.signal_confirmed" if confirmed else "case.signal_unconfirmed",
        case=row.case,
        after={"case_signal": row.pk, "basis": basis},
    )
    return row


@transaction.atomic
def decide_held(*, case_signal: CaseSignal, actor: Any, publish: bool) -> CaseSignal:
    """A caseworker decides a hash held for being near a benign one: `publish` puts it in the
    feed (the case holds it), otherwise it is removed from the case's feed for good. Audited."""
    row = (
        CaseSignal.objects.select_for_update()
        .select_related("signal", "case")
        .get(pk=case_signal.pk)
    )
    if row.status != CaseSignal.Status.HELD:
        raise InvalidTransition(_("Only a held hash can be published or rejected."))
    benign_services.decide(case_signal_id=row.pk, published=publish, by=actor.get_username())
    signal = row.signal
    if publish:
        signal_services.hold(
            signal_type=signal.signal_type,
            value=signal.value,
            quality=signal.quality,
            mix_group=row.case_id,
        )
    row.status = CaseSignal.Status.ACTIVE if publish else CaseSignal.Status.REMOVED
    row.save(update_fields=["status", "changed_at"])
    _audit(
        actor=actor,
        action="case.held_published" if publish else "case.held_rejected",
        case=row.case,
        after={"case_signal": row.pk},
    )
    return row


@transaction.atomic
def restore(*, case_signal: CaseSignal, actor: Any) -> CaseSignal:
    """A caseworker puts a suspended hash back in the feed."""
    row = (
        CaseSignal.objects.select_for_update()
        .select_related("signal", "case")
        .get(pk=case_signal.pk)
    )
    if row.status != CaseSignal.Status.SUSPENDED:
        raise InvalidTransition(_("Only a suspended hash can be restored."))
    signal = row.signal
    signal_services.hold(
        signal_type=signal.signal_type,
        value=signal.value,
        quality=signal.quality,
        mix_group=row.case_id,
    )
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
            release(signal=row.signal, reason=reason, mix_group=row.case_id)
        row.status = CaseSignal.Status.REMOVED
        row.withdrawal_due_at = None  # a scheduled withdrawal has nothing left to do
        row.save(update_fields=["status", "withdrawal_due_at", "changed_at"])
    return rows


POSSESSION_CHECK_MINUTES = 30


def _code_hash(code: str) -> str:
    digits = "".join(ch for ch in code if ch.isdigit())
    return salted_hmac("hashbank.cases.possession", digits).hexdigest()


def start_possession_check(*, case: Case, actor: Any) -> tuple[PossessionCheck, str]:
    """A caseworker starts a check that the caller holds one of the case's images; returns the
    check and its one-time code (8 digits, shown once, to read to the caller). Audited."""
    for _attempt in range(5):
        code = f"{secrets.randbelow(10**8):08d}"
        check = PossessionCheck(
            case=case,
            code_hash=_code_hash(code),
            started_by=actor,
            expires_at=timezone.now() + dt.timedelta(minutes=POSSESSION_CHECK_MINUTES),
        )
        try:
            with transaction.atomic():
                check.save()
        except IntegrityError:
            continue  # that code is in use; draw another
        _audit(
            actor=actor,
            action="case.possession_check_started",
            case=case,
            after={"check": check.pk},
        )
        return check, f"{code[:4]}-{code[4:]}"
    raise DomainError("Could not draw a code.", code=CaseErrorCode.TRY_AGAIN, status=503)


def answer_possession_check(*, code: str, md5s: Sequence[str]) -> None:
    """The caller's answer: the MD5 of the image(s) they picked, computed in their browser. A
    check is answered once; an unknown or expired code is ignored (the caller is told the same
    either way, so the page is no oracle for whether an image is in some case)."""
    now = timezone.now()
    with transaction.atomic():
        check = (
            PossessionCheck.objects.select_for_update()
            .filter(code_hash=_code_hash(code), expires_at__gt=now, answered_at__isnull=True)
            .first()
        )
        if check is None:
            return
        values = {value.lower() for value in md5s if isinstance(value, str)}
        check.matched = CaseSignal.objects.filter(
            case_id=check.case_id, signal__signal_type="md5", signal__value__in=values
        ).exists()
        check.answered_at = now
        check.save(update_fields=["matched", "answered_at"])


def unlock_case(*, case: Case, actor: Any) -> Case:
    """A caseworker unlocks a case that wrong PINs locked, once the caller proved they hold one
    of its images (a possession check of this case that matched in the last 30 minutes)."""
    proved = PossessionCheck.objects.filter(
        case=case,
        matched=True,
        answered_at__gte=timezone.now() - dt.timedelta(minutes=POSSESSION_CHECK_MINUTES),
    ).exists()
    if not proved:
        raise InvalidTransition(
            _("First check that the caller holds one of the case's images (possession check).")
        )
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
        raise DomainError(_("A note has 1 to 4000 characters."), code=CaseErrorCode.INVALID_NOTE)
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
            _("Cases are assigned to active staff accounts only."),
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

"""Writes: a member's receipt keys, plain acknowledgements and signed receipts.

The member API calls these (member_portal/members/services.py) with the member it authenticated
and the largest size that member pulled; nothing here imports the member side.

A **receipt** is the bank's checkpoint note as the member received it (our signature, any
witnesses' cosignatures) with one more line: a C2SP tlog-cosignature/v1 by one of the member's
receipt keys, whose one statement is "every add and remove up to this size is applied to our
matching" (docs/feed-format.md, "Receipts"). It is refused, and nothing is written, when it is
garbage, names another origin, is not our checkpoint of that size, is for a size the member never
pulled, carries no signature by a registered key of the member or a bad one, is older than the
member's last receipt, or claims a time in the future.

The applied position only moves forward; an Acknowledgement row is written only when it moves
(or when a size first gets its receipt), so members acknowledging an idle log add no rows.
Each writer locks the member's AppliedPosition row (select_for_update), so two concurrent
receipts of one member serialise and the replay check holds; the steady state (a later receipt
for the same size) is one conditional UPDATE whose WHERE is that replay check, so it needs no lock
and no transaction (hashbank/receipts/storage.py; bench/receipts.py measures this path).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from hashbank.core.errors import Conflict, DomainError, NotFound
from hashbank.ledger import selectors as ledger
from hashbank.receipts import storage
from hashbank.receipts.errors import ReceiptErrorCode
from hashbank.receipts.models import Acknowledgement, AppliedPosition, OriginPosition, ReceiptKey
from member_portal.feed import checkpoint as checkpoints
from member_portal.feed import cosignature, note

MAX_RECEIPT_KEYS = 5  # usable keys per member: enough to rotate, few enough to review
MAX_RECEIPT_CHARS = 16_000  # a note with our signature, a few witnesses' and the receipt
FUTURE_SKEW_SECONDS = 600  # a receipt's time may be this far ahead of ours (clock skew)


def _usable_keys(member) -> list[ReceiptKey]:
    return list(ReceiptKey.objects.filter(member=member, revoked_at__isnull=True))


@transaction.atomic
def register_key(*, member, vkey: str, label: str = "") -> ReceiptKey:
    """Register a receipt key given as a verifier key `name+hexkeyid+base64(0x04 || key)`."""
    try:
        verifier = cosignature.CosignatureVerifier.parse(vkey)
    except cosignature.CosignatureError as exc:
        raise DomainError(
            f"Not a tlog-cosignature/v1 Ed25519 verifier key: {exc}.",
            code=ReceiptErrorCode.INVALID_RECEIPT_KEY,
        ) from None
    if verifier.name == settings.HASHBANK_ORIGIN:
        raise DomainError(
            "A receipt key's name must not be the bank's origin.",
            code=ReceiptErrorCode.INVALID_RECEIPT_KEY,
        )
    if len(_usable_keys(member)) >= MAX_RECEIPT_KEYS:
        raise Conflict(
            f"At most {MAX_RECEIPT_KEYS} receipt keys may be usable at once; revoke one first.",
            code=ReceiptErrorCode.TOO_MANY_RECEIPT_KEYS,
        )
    key = ReceiptKey(
        member=member,
        name=verifier.name,
        key_id=verifier.key_id,
        public_key=verifier.public_key,
        label=label[:100],
    )
    try:
        with transaction.atomic():
            key.save()
    except IntegrityError:
        # One key, one cosigner, one statement: a key is never registered twice (nor re-added).
        raise Conflict(
            "This receipt key is registered already.", code=ReceiptErrorCode.RECEIPT_KEY_EXISTS
        ) from None
    return key


@transaction.atomic
def revoke_key(*, member, key_id: int) -> ReceiptKey:
    """Revoke a member's receipt key: receipts by it are refused from now on; the ones kept stay
    valid (they were true when signed)."""
    key = (
        ReceiptKey.objects.select_for_update()
        .filter(member=member, key_id=key_id, revoked_at__isnull=True)
        .first()
    )
    if key is None:
        raise NotFound(
            "No usable receipt key with that id.", code=ReceiptErrorCode.UNKNOWN_RECEIPT_KEY
        )
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    return key


def _checkpoint(size: int) -> ledger.ServedCheckpoint:
    return _checkpoint_and_latest_size(size)[0]


def _checkpoint_and_latest_size(size: int) -> tuple[ledger.ServedCheckpoint, int]:
    checkpoint, latest_size = ledger.served_checkpoint_and_latest_size(size)
    if checkpoint is None:
        raise NotFound(
            f"No checkpoint of size {size} exists.", code=ReceiptErrorCode.UNKNOWN_CHECKPOINT
        )
    return checkpoint, latest_size


def _locked_position(member) -> AppliedPosition | None:
    return AppliedPosition.objects.select_for_update().filter(member=member).first()


def _move(
    member,
    position: AppliedPosition | None,
    size: int,
    now: datetime,
    *,
    receipt_time: int | None = None,
    **receipt,
) -> AppliedPosition:
    """Move the position to `size` if that is forward (and note a receipt's time), recording the
    move, or a size's first receipt, as an Acknowledgement row. One write of the position."""
    fields = []
    if position is None:
        position = AppliedPosition(member=member, size=size, at=now)
        moved = True
    else:
        moved = size > position.size
        if moved:
            position.size, position.at = size, now
            fields += ["size", "at"]
    first_receipt = bool(receipt) and position.last_receipt_size != size
    if moved or first_receipt:
        Acknowledgement.objects.create(member=member, size=size, at=now, **receipt)
    if receipt:
        position.last_receipt_time = receipt_time
        fields.append("last_receipt_time")
        if first_receipt:
            position.last_receipt_size = size
            fields.append("last_receipt_size")
    if position.pk is None:
        position.save()
    elif fields:
        position.save(update_fields=fields)
    return position


def acknowledge_origin(*, member, origin_id: str, size: int) -> OriginPosition:
    """A platform read a mirrored origin's StopNCII facade and (when `size` > 0) applied it up to
    `size`: the size before the entries the facade serves it again, which the caller computed
    from the origin's own mirrored sizes. Creates the row at the first fetch (size 0: the member
    now reads that facade); never moves it back. One statement when nothing moves."""
    now = timezone.now()
    position, created = OriginPosition.objects.get_or_create(
        member=member, origin_id=origin_id, defaults={"size": size, "at": now}
    )
    if not created and size > position.size:
        OriginPosition.objects.filter(pk=position.pk, size__lt=size).update(size=size, at=now)
        position.size, position.at = size, now
    return position


def acknowledge(*, member, size: int) -> AppliedPosition:
    """A plain acknowledgement (a member without a receipt key): "we applied the log up to the
    checkpoint of `size`". An older size than the position is accepted and changes nothing."""
    _checkpoint(size)
    seen = storage.position(member.pk)
    if seen is not None and size <= seen.size:
        return seen  # the same size again (or an older one): nothing to change, nothing locked
    with transaction.atomic():
        return _move(member, _locked_position(member), size, timezone.now())


def _refuse(message: str, code: ReceiptErrorCode, status: int = 400):
    return DomainError(message, code=code, status=status)


def _parse(receipt: str) -> tuple[str, list[note.Signature], checkpoints.Body]:
    if not isinstance(receipt, str) or len(receipt) > MAX_RECEIPT_CHARS:
        raise _refuse(
            "A receipt is a signed note of at most 16,000 characters.",
            ReceiptErrorCode.MALFORMED_RECEIPT,
        )
    try:
        text, signatures = note.split(receipt)
        body = checkpoints.parse_body(text)
    except (note.NoteError, checkpoints.CheckpointError) as exc:
        raise _refuse(
            f"Not a signed checkpoint: {exc}.", ReceiptErrorCode.MALFORMED_RECEIPT
        ) from None
    return text, signatures, body


def _same_size_again(position: AppliedPosition | None, size: int, timestamp: int) -> bool:
    """A receipt for the size of the member's last receipt and position, with a later time."""
    return (
        position is not None
        and position.size == size == position.last_receipt_size
        and (position.last_receipt_time is None or timestamp > position.last_receipt_time)
    )


@dataclass(frozen=True)
class RecordedReceipt:
    """A kept receipt: the member's applied position after it, and the log's latest published
    size, read with the receipt's checkpoint (the member API's answer reports both)."""

    position: AppliedPosition
    latest_size: int


def record_receipt(*, member, receipt: str, pulled_size: int | None) -> RecordedReceipt:
    """Verify and keep a receipt (see the module docstring): the member's position after it.

    The steady state runs four statements and no transaction: our checkpoint's publication
    (its note parsed once per process: ledger.selectors.served_checkpoint), the member's keys
    with its position, and the conditional UPDATE. A receipt for a larger size than the position
    moves it in one hand-written statement (storage.move_forward); anything else (the first
    receipt, a stale or replayed one) takes the locked path."""
    text, signatures, body = _parse(receipt)
    if body.origin != settings.HASHBANK_ORIGIN:
        raise _refuse(
            f"The receipt is over another log's checkpoint ({body.origin!r}).",
            ReceiptErrorCode.RECEIPT_WRONG_ORIGIN,
        )
    checkpoint, latest_size = _checkpoint_and_latest_size(body.size)
    # Our checkpoint of that size, as served: the same tree, and our signature over this text
    # (a re-signed checkpoint has another time line; an older note of ours is still ours).
    same_text = checkpoint.text == text
    if checkpoint.root != body.root or not (same_text or ledger.verify_note(receipt)):
        raise _refuse(
            "The receipt's checkpoint is not the bank's checkpoint of that size.",
            ReceiptErrorCode.RECEIPT_CHECKPOINT_MISMATCH,
        )
    if pulled_size is None or body.size > pulled_size:
        raise _refuse(
            "You have not pulled the checkpoint of that size yet.",
            ReceiptErrorCode.CHECKPOINT_NOT_PULLED,
            409,
        )
    # The member's usable keys and, in the same read, its applied position (unlocked: for the
    # steady state below, which re-checks it in its UPDATE).
    usable, seen = storage.usable_keys_and_position(member.pk)
    keys = {(k.name, k.key_id): k for k in usable}
    mine = [s for s in signatures if (s.name, s.key_id) in keys]
    if not mine:
        raise _refuse(
            "The receipt carries no signature by a usable receipt key of yours.",
            ReceiptErrorCode.RECEIPT_KEY_NOT_REGISTERED,
        )
    sig = mine[-1]
    key = keys[(sig.name, sig.key_id)]
    verifier = cosignature.CosignatureVerifier(key.name, key.key_id, bytes(key.public_key))
    try:
        cosig = cosignature.Cosignature.from_signature(sig)
        verifier.verify(text, cosig)
    except cosignature.CosignatureError:
        raise _refuse(
            "The receipt's signature does not verify.", ReceiptErrorCode.INVALID_RECEIPT_SIGNATURE
        ) from None
    if cosig.timestamp > time.time() + FUTURE_SKEW_SECONDS:
        raise _refuse(
            "The receipt's time is in the future.", ReceiptErrorCode.RECEIPT_TIME_IN_FUTURE
        )
    if _same_size_again(seen, body.size, cosig.timestamp):
        # The steady state (an idle log: the size this member's last receipt was for, with a later
        # time): one conditional UPDATE, no row written. Its WHERE repeats the replay check, so a
        # concurrent receipt that got there first makes it match nothing and the locked path
        # below decides (and refuses this one as stale). The position's `at` moves only with its
        # size, which this UPDATE requires unchanged, so `seen` is the position as written.
        if storage.note_same_size_again(
            position_id=seen.pk, size=body.size, receipt_time=cosig.timestamp
        ):
            seen.last_receipt_time = cosig.timestamp
            return RecordedReceipt(seen, latest_size)
    if seen is not None and body.size > seen.size:
        # The log grew since: move the position and record it at once (one statement on
        # PostgreSQL), under the row lock the UPDATE takes; one that matches nothing (a later
        # receipt got there first) goes to the locked path, which decides.
        now = timezone.now()
        if storage.move_forward(
            position_id=seen.pk,
            member_id=member.pk,
            size=body.size,
            at=now,
            receipt_time=cosig.timestamp,
            key_id=key.pk,
            receipt=receipt,
        ):
            seen.size, seen.at = body.size, now
            seen.last_receipt_size, seen.last_receipt_time = body.size, cosig.timestamp
            return RecordedReceipt(seen, latest_size)
    with transaction.atomic():
        return RecordedReceipt(_record_locked(member, body, cosig, key, receipt), latest_size)


def _record_locked(member, body, cosig, key, receipt: str) -> AppliedPosition:
    """A receipt that moves the position or is a size's first: under the position's lock, so
    that two receipts of one member serialise and the replay check holds."""
    position = _locked_position(member)
    last = position.last_receipt_time if position is not None else None
    if position is not None and (
        body.size < position.size
        or (last is not None and cosig.timestamp < last)
        # the same time again is a replay unless it is for a larger tree (two syncs in a second)
        or (last is not None and cosig.timestamp == last and body.size <= position.size)
    ):
        raise _refuse(
            "The receipt is older than the last one you sent.",
            ReceiptErrorCode.STALE_RECEIPT,
            409,
        )
    return _move(
        member,
        position,
        body.size,
        timezone.now(),
        receipt_time=cosig.timestamp,
        key=key,
        receipt=receipt,
    )

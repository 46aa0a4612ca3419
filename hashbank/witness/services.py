"""Writes of the witness: cosigning (C2SP tlog-witness add-checkpoint) and the operator's list of
logs to witness.

The promise: for each origin the witness cosigns only trees that extend, by a verified RFC 6962
consistency proof, the latest tree it cosigned before. `add_checkpoint` checks and persists under
the log row's lock (`select_for_update`; on SQLite, `BEGIN IMMEDIATE` serialises writers) in one
transaction, and the cosignature leaves only after that transaction committed, so two concurrent
requests cannot both move the same size, and a restarted witness reads the size it last promised
from the database, or from its floor files (floors.py) when a database restored from an old backup
is behind them. Configuration only grows where forgetting would be unsafe: a log once cosigned
is never removed (re-adding it would start from size 0 and could sign a split view).
"""

from __future__ import annotations

import hashlib
import time

from django.db import transaction
from django.utils import timezone

from hashbank.audit import services as audit
from hashbank.witness import floors, keys
from hashbank.witness.errors import WitnessError, WitnessErrorCode
from hashbank.witness.models import LogKey, WitnessedLog
from member_portal.feed import cosignature, merkle, note
from member_portal.feed import witness as wire

ACTOR = "manage.py"


def origin_sha256(origin: str) -> str:
    return hashlib.sha256(origin.encode()).hexdigest()


def _refuse(code: WitnessErrorCode, status: int, message: str, size: int = 0) -> WitnessError:
    return WitnessError(message, code=code, status=status, size=size)


def add_checkpoint(*, body: bytes, now: int | None = None) -> str:
    """Cosign the checkpoint of an add-checkpoint request; returns the cosignature line.

    Raises WitnessError with the status tlog-witness prescribes: 400 malformed or old > size,
    404 unknown origin, 403 no valid signature by a trusted key, 409 `old` is not our size (its
    `size` says ours), 422 a bad consistency proof or a second root for the size we cosigned;
    and 503 before `manage.py witness init` made the key.
    """
    cosigner = keys.load_cosigner()
    if cosigner is None:
        # The operator has not made the key yet: a server-side state, retried later (503).
        raise _refuse(WitnessErrorCode.NO_WITNESS_KEY, 503, "no witness key yet")
    try:
        request = wire.parse_add_checkpoint(body)
        checkpoint = request.checkpoint()
    except wire.WitnessRequestError as exc:
        raise _refuse(WitnessErrorCode.MALFORMED_REQUEST, 400, str(exc)) from None
    with transaction.atomic():
        log = WitnessedLog.objects.select_for_update().filter(origin=checkpoint.origin).first()
        if log is None:
            raise _refuse(WitnessErrorCode.UNKNOWN_LOG, 404, "this witness does not know the log")
        verifiers = [note.Verifier.parse(k.vkey) for k in log.keys.filter(removed_at=None)]
        try:
            text, _ = note.open_note(request.note, verifiers)
        except note.NoteError as exc:
            raise _refuse(WitnessErrorCode.NOT_SIGNED_BY_LOG, 403, str(exc)) from None
        size, root, cosigned = log.size, bytes(log.root), log.cosigned
        floor = floors.read(log.origin_sha256)
        if floor is not None and floor[0] >= size:
            # The database is behind what this witness promised (restored from an old backup):
            # the floor file wins.
            (size, root), cosigned = floor, True
        if request.old_size > checkpoint.size:
            raise _refuse(WitnessErrorCode.MALFORMED_REQUEST, 400, "old size exceeds the size")
        if request.old_size != size:
            raise _refuse(
                WitnessErrorCode.OLD_SIZE_MISMATCH,
                409,
                f"this witness cosigned size {size}",
                size=size,
            )
        if request.old_size == 0 and request.proof:
            raise _refuse(WitnessErrorCode.INCONSISTENT, 422, "a proof from size 0 must be empty")
        if cosigned:
            try:
                merkle.verify_consistency(
                    size, checkpoint.size, root, checkpoint.root, list(request.proof)
                )
            except merkle.ProofError as exc:
                raise _refuse(WitnessErrorCode.INCONSISTENT, 422, str(exc)) from None
        timestamp = int(time.time()) if now is None else now
        line = cosigner.cosign(text, timestamp).line()
        # The floor first: if the commit fails after it, the witness only refuses more.
        floors.write(log.origin_sha256, checkpoint.size, checkpoint.root)
        log.size = checkpoint.size
        log.root = checkpoint.root
        log.checkpoint = request.note
        log.cosignature = line
        log.cosigned = True
        log.save(
            update_fields=["size", "root", "checkpoint", "cosignature", "cosigned", "updated_at"]
        )
    return line


def _parse_log_key(vkey: str) -> note.Verifier:
    try:
        return note.Verifier.parse(vkey)
    except note.NoteError as exc:
        raise _refuse(WitnessErrorCode.INVALID_LOG_KEY, 400, f"{vkey!r}: {exc}") from None


def _log(origin: str) -> WitnessedLog:
    log = WitnessedLog.objects.select_for_update().filter(origin=origin).first()
    if log is None:
        raise _refuse(WitnessErrorCode.UNKNOWN_LOG, 404, f"this witness does not know {origin}")
    return log


def add_log(*, origin: str, vkeys: list[str], actor: object = ACTOR) -> list[str]:
    """Witness `origin`, trusting `vkeys` for its checkpoints; an existing log gains the keys it
    lacks (a removed key is trusted again only if given again). Returns the keys added."""
    if not origin or origin != origin.strip() or "\n" in origin:
        raise _refuse(WitnessErrorCode.MALFORMED_REQUEST, 400, "an origin is one line of text")
    verifiers = [_parse_log_key(v) for v in vkeys]
    with transaction.atomic():
        log, created = WitnessedLog.objects.get_or_create(
            origin=origin, defaults={"origin_sha256": origin_sha256(origin)}
        )
        log = WitnessedLog.objects.select_for_update().get(pk=log.pk)
        added = []
        for verifier in verifiers:
            key, new = LogKey.objects.get_or_create(
                log=log, vkey=str(verifier), defaults={"key_id": f"{verifier.key_id:08x}"}
            )
            if new or key.removed_at is not None:
                key.removed_at = None
                key.save(update_fields=["removed_at"])
                added.append(str(verifier))
        if not created and not added:
            return []
        audit.record_event(
            actor=actor,
            action="witness.log_added" if created else "witness.keys_added",
            target=f"witness log {origin}",
            after={"keys": added},
        )
    return added


def remove_key(*, origin: str, key_id: str, actor: object = ACTOR) -> str:
    """Stop trusting one key of a log (kept as history); returns the key removed."""
    with transaction.atomic():
        log = _log(origin)
        key = log.keys.filter(key_id=key_id.lower(), removed_at=None).first()
        if key is None:
            raise _refuse(
                WitnessErrorCode.UNKNOWN_KEY, 404, f"{origin} has no trusted key {key_id}"
            )
        key.removed_at = timezone.now()
        key.save(update_fields=["removed_at"])
        audit.record_event(
            actor=actor,
            action="witness.key_removed",
            target=f"witness log {origin}",
            before={"key": key.vkey},
        )
    return key.vkey


def remove_log(*, origin: str, actor: object = ACTOR) -> None:
    """Forget a log that was never cosigned; a cosigned one is refused."""
    with transaction.atomic():
        log = _log(origin)
        if log.cosigned:
            raise _refuse(
                WitnessErrorCode.LOG_COSIGNED,
                409,
                f"{origin} was cosigned at size {log.size}: it stays, so that the witness never "
                "cosigns a tree inconsistent with it (remove its keys to stop witnessing it)",
            )
        keys_before = list(log.keys.values_list("vkey", flat=True))
        log.delete()
        audit.record_event(
            actor=actor,
            action="witness.log_removed",
            target=f"witness log {origin}",
            before={"keys": keys_before},
        )


def init_key(*, actor: object = ACTOR) -> tuple[cosignature.Cosigner, bool]:
    """The witness key, created (and audited) if it does not exist yet."""
    cosigner, created = keys.create_cosigner()
    if created:
        audit.record_event(
            actor=actor,
            action="witness.key_created",
            target="witness key",
            after={"key": str(cosigner.verifier)},
        )
    return cosigner, created

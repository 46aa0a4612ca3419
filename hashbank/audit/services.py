"""Writes on the audit log. `record_event` is the one way in; everyone calls it.

Other apps call `record_event` inside their own transaction, so an action and its audit entry
commit together or not at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from hashbank.audit.models import AuditEntry, AuditHead

GENESIS_HASH = "0" * 64
HEAD_PK = 1


def _plain(value: Any) -> Any:
    """JSON-safe copy (dates, decimals, UUIDs as strings), so what is hashed is what is stored."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _actor(actor: Any) -> tuple[int | None, str]:
    if actor is None:
        return None, "system"
    if isinstance(actor, str):
        return None, actor[:150]
    if getattr(actor, "is_authenticated", False):
        return actor.pk, actor.get_username()[:150]
    return None, str(actor)[:150]


def _member(member: Any) -> str:
    if member is None:
        return ""
    if isinstance(member, str):
        return member[:100]
    return str(getattr(member, "slug", member))[:100]


def entry_digest(
    *,
    seq: int,
    created_at: str,
    actor_id: int | None,
    actor_name: str,
    action: str,
    target: str,
    member: str,
    before: Any,
    after: Any,
    prev_hash: str,
) -> str:
    """SHA-256 of the canonical JSON of an entry's fields and the previous entry's hash."""
    body = json.dumps(
        {
            "seq": seq,
            "created_at": created_at,
            "actor_id": actor_id,
            "actor_name": actor_name,
            "action": action,
            "target": target,
            "member": member,
            "before": before,
            "after": after,
            "prev_hash": prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _digest_of(entry: AuditEntry, prev_hash: str) -> str:
    return entry_digest(
        seq=entry.seq,
        created_at=entry.created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        actor_id=entry.actor_id,
        actor_name=entry.actor_name,
        action=entry.action,
        target=entry.target,
        member=entry.member,
        before=entry.before,
        after=entry.after,
        prev_hash=prev_hash,
    )


def record_event(
    *,
    actor: Any,
    action: str,
    target: str = "",
    before: Any = None,
    after: Any = None,
    member: Any = None,
) -> AuditEntry:
    """Append one entry: `actor` is a user, a name, or None for the system; `member` a Member or
    its slug. Runs inside the caller's transaction (a savepoint), holding the chain head's lock."""
    actor_id, actor_name = _actor(actor)
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=HEAD_PK).first()
        if head is None:  # migration 0002 creates it; a flushed test database does not have it
            AuditHead.objects.get_or_create(pk=HEAD_PK)
            head = AuditHead.objects.select_for_update().get(pk=HEAD_PK)
        created_at = timezone.now()
        entry = AuditEntry(
            seq=head.last_seq + 1,
            created_at=created_at,
            actor_id=actor_id,
            actor_name=actor_name,
            action=action[:64],
            target=str(target or "")[:200],
            member=_member(member),
            before=_plain(before),
            after=_plain(after),
            prev_hash=head.last_hash,
        )
        entry.entry_hash = _digest_of(entry, head.last_hash)
        entry.save()
        AuditHead.objects.filter(pk=HEAD_PK).update(last_seq=entry.seq, last_hash=entry.entry_hash)
    return entry


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str = ""


def verify_chain(batch_size: int = 2000) -> ChainReport:
    """Recompute every hash from the start; report the first entry that does not fit."""
    expected_seq = 0
    prev_hash = GENESIS_HASH
    checked = 0
    while True:
        batch = list(AuditEntry.objects.filter(seq__gte=expected_seq).order_by("seq")[:batch_size])
        if not batch:
            break
        for entry in batch:
            if entry.seq != expected_seq:
                return ChainReport(False, checked, expected_seq, f"entry {expected_seq} is missing")
            if entry.prev_hash != prev_hash:
                return ChainReport(
                    False, checked, entry.seq, "the link to the previous entry is broken"
                )
            if _digest_of(entry, prev_hash) != entry.entry_hash:
                return ChainReport(False, checked, entry.seq, "the entry was modified")
            prev_hash = entry.entry_hash
            expected_seq += 1
            checked += 1
    head = AuditHead.objects.filter(pk=HEAD_PK).first()
    if head is not None and (head.last_seq != expected_seq - 1 or head.last_hash != prev_hash):
        return ChainReport(False, checked, expected_seq, "entries after this point were deleted")
    return ChainReport(True, checked)

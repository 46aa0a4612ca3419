"""Writes of publishing: the bank has the witnesses of its policy (settings.HASHBANK_WITNESS_POLICY,
a C2SP tlog-policy file) cosign its own checkpoints, and publishes a checkpoint only when the
policy's quorum is met.

`publish_latest()` is the whole of it (the Celery task runs it after every seal and re-sign, and
beat every minute): the latest sealed checkpoint's pending note goes to every witness of the
policy in parallel (threads, client.py), each from the size it last cosigned with a consistency
proof; a 409 that says the witness's size is retried once from that size; a 422 (or a 409 that
does not say its size) is a fork, logged at ERROR and kept on the witness's row. Each cosignature
is verified against the policy's key for that witness, and the ledger publishes the note with
them once the quorum is met (hashbank.ledger.services.publish). Per witness
HASHBANK_WITNESS_TIMEOUT (1 s), the whole round HASHBANK_PUBLISH_TIMEOUT (5 s). Without the quorum
nothing is published (fail-closed; members keep the last cosigned checkpoint) unless
HASHBANK_WITNESS_FAIL_OPEN, which publishes once the publish timeout has passed, marked
`without_quorum`. Idempotent: a checkpoint already published is left alone.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hashbank.ledger import selectors as ledger_selectors
from hashbank.ledger import services as ledger_services
from hashbank.publishing import client
from hashbank.publishing.errors import PublishingError, PublishingErrorCode
from hashbank.publishing.models import Witness
from member_portal.feed import note
from member_portal.feed.policy import Policy, PolicyError

log = logging.getLogger(__name__)


@dataclass
class Round:
    """What one publish_latest did: the size, each witness's answer, and whether it published."""

    size: int
    answers: dict[str, client.Answer] = field(default_factory=dict)
    published: bool = False
    without_quorum: bool = False
    quorum: str = ""


def load_policy() -> Policy | None:
    """The policy named by HASHBANK_WITNESS_POLICY; None when none is set."""
    path = settings.HASHBANK_WITNESS_POLICY
    if not path:
        return None
    try:
        policy = Policy.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise PublishingError(
            f"the witness policy {path} cannot be read ({type(exc).__name__})",
            code=PublishingErrorCode.POLICY_UNREADABLE,
        ) from None
    except PolicyError as exc:
        raise PublishingError(
            f"the witness policy {path} is not a valid tlog-policy: {exc}",
            code=PublishingErrorCode.POLICY_UNREADABLE,
        ) from None
    missing = [w.name for w in policy.witnesses.values() if not w.url]
    if missing:
        raise PublishingError(
            f"the witness policy {path} gives no URL for {', '.join(missing)}: a witness line is "
            "`witness <name> <vkey> <add-checkpoint prefix URL>`",
            code=PublishingErrorCode.POLICY_UNREADABLE,
        )
    return policy


@transaction.atomic
def sync_witnesses(policy: Policy) -> dict[str, Witness]:
    """The witness rows, made to follow the policy: one per witness line; a witness whose key
    changed starts again from nothing (it is another witness); rows of witnesses no longer in
    the policy are dropped."""
    rows = {w.name: w for w in Witness.objects.select_for_update()}
    for name in set(rows) - set(policy.witnesses):
        rows.pop(name).delete()
    for name, entry in policy.witnesses.items():
        vkey = str(entry.verifier)
        row = rows.get(name)
        if row is None:
            rows[name] = Witness.objects.create(name=name, vkey=vkey, url=entry.url)
        elif (row.vkey, row.url) != (vkey, entry.url):
            if row.vkey != vkey:
                row.cosigned_size = row.cosigned_at = row.forked_at = None
            row.vkey, row.url = vkey, entry.url
            row.save()
    return rows


def publish_latest() -> Round | None:
    """Have the witnesses cosign the latest sealed checkpoint and publish it at quorum (module
    docstring). None when there is nothing to do (no policy, nothing pending, no checkpoint).
    Never raises for what the witnesses do; an unreadable policy is logged and left to /readyz."""
    try:
        policy = load_policy()
    except PublishingError as exc:
        log.error("witness policy unusable: %s", exc.message)
        return None
    if policy is None:
        return None
    checkpoint = ledger_selectors.latest_sealed()
    if checkpoint is None or not checkpoint.pending_note:
        return None
    rows = sync_witnesses(policy)
    signed = checkpoint.pending_note
    text, _ = note.split(signed)
    started = time.monotonic()
    deadline = started + settings.HASHBANK_PUBLISH_TIMEOUT
    result = Round(size=checkpoint.size)
    olds = {name: _old_size(row, checkpoint.size) for name, row in rows.items()}
    first = _ask(policy, rows, olds, checkpoint.size, signed, text, deadline)
    # A 409 with the witness's size: once more, from that size.
    retry = {
        name: answer.size
        for name, answer in first.items()
        if answer.size is not None and answer.size <= checkpoint.size
    }
    result.answers = dict(first)
    if retry:
        result.answers.update(_ask(policy, rows, retry, checkpoint.size, signed, text, deadline))
    for name, answer in first.items():
        if answer.size is not None and answer.size > checkpoint.size:
            result.answers[name] = client.Answer(
                f"409 it has size {answer.size}, larger than ours ({checkpoint.size})", fork=True
            )
    _record(rows, result.answers, checkpoint.size)
    cosigned = [name for name in policy.witnesses if result.answers[name].cosigned]
    lines = [result.answers[name].line for name in cosigned]
    result.quorum = policy.explain(cosigned)
    if policy.satisfied_by(cosigned):
        result.published = (
            ledger_services.publish(
                checkpoint_id=checkpoint.pk, signed_note=signed, cosignatures=lines
            )
            is not None
        )
    elif settings.HASHBANK_WITNESS_FAIL_OPEN:
        # Bootstrap: once the publish timeout has passed, publish what there is, marked as such.
        remaining = deadline - time.monotonic()
        if remaining > 0:
            time.sleep(remaining)
        published = ledger_services.publish(
            checkpoint_id=checkpoint.pk,
            signed_note=signed,
            cosignatures=lines,
            without_quorum=True,
        )
        result.published = result.without_quorum = published is not None
        log.warning(
            "checkpoint published WITHOUT the witness quorum (fail-open): %s",
            result.quorum,
            extra={"tree_size": checkpoint.size},
        )
    else:
        log.warning(
            "checkpoint not published, witness quorum not met: %s; %s",
            result.quorum,
            _reasons(result.answers),
            extra={"tree_size": checkpoint.size},
        )
    log.info(
        "witnesses asked",
        extra={
            "tree_size": checkpoint.size,
            "cosigned": len(cosigned),
            "published": result.published,
            "seconds": round(time.monotonic() - started, 3),
        },
    )
    return result


def _reasons(answers: dict[str, client.Answer]) -> str:
    return ", ".join(f"{name} {answer.outcome}" for name, answer in answers.items())


def _old_size(row: Witness, size: int) -> int:
    """Where the request starts: the size the witness last cosigned, 0 when we know of none (a
    witness that has more answers 409 with its size)."""
    old = row.cosigned_size or 0
    return old if old <= size else 0


def _ask(
    policy: Policy,
    rows: dict[str, Witness],
    olds: dict[str, int],
    size: int,
    signed: str,
    text: str,
    deadline: float,
) -> dict[str, client.Answer]:
    """One request to each witness in `olds`, all at once; those that have not answered by the
    deadline are a timeout. The proofs are read here, before the threads start: the threads touch
    no database."""
    timeout = settings.HASHBANK_WITNESS_TIMEOUT
    proofs = {
        old: ledger_selectors.consistency_proof(old, size) if 0 < old < size else []
        for old in set(olds.values())
    }
    pool = ThreadPoolExecutor(max_workers=len(olds) or 1, thread_name_prefix="witness")
    futures = {
        name: pool.submit(
            client.add_checkpoint,
            url=rows[name].url,
            old_size=old,
            proof=proofs[old],
            signed_note=signed,
            text=text,
            verifier=policy.witnesses[name].verifier,
            timeout=timeout,
        )
        for name, old in olds.items()
    }
    wait(futures.values(), timeout=max(0.0, deadline - time.monotonic()))
    pool.shutdown(wait=False, cancel_futures=True)
    return {
        name: future.result() if future.done() else client.Answer("timeout")
        for name, future in futures.items()
    }


@transaction.atomic
def _record(rows: dict[str, Witness], answers: dict[str, client.Answer], size: int) -> None:
    now = timezone.now()
    for name, answer in answers.items():
        row = Witness.objects.select_for_update().get(pk=rows[name].pk)
        row.last_outcome = answer.outcome[:255]
        row.last_attempt_at = now
        if answer.cosigned:
            row.cosigned_size, row.cosigned_at = size, now
        else:
            if answer.size is not None and answer.size <= size:
                row.cosigned_size = answer.size  # what it told us it has
            row.last_error, row.last_error_at = answer.outcome[:255], now
            if answer.fork:
                row.forked_at = now
                log.error(
                    "FORK: witness %s holds a tree our log does not extend (%s); it will not "
                    "cosign us until an operator has looked",
                    name,
                    answer.outcome,
                    extra={"tree_size": size},
                )
        row.save()

"""Reads of the witness: its key, the logs it witnesses, and what it last cosigned."""

from __future__ import annotations

from hashbank.witness import keys
from hashbank.witness.models import WitnessedLog
from member_portal.feed import cosignature


def witness_verifier() -> cosignature.CosignatureVerifier | None:
    cosigner = keys.load_cosigner()
    return cosigner.verifier if cosigner is not None else None


def logs() -> list[dict]:
    """Every witnessed log with its trusted keys and removed ones, for `manage.py witness list`."""
    found = []
    for log in WitnessedLog.objects.order_by("origin").prefetch_related("keys"):
        keys_ = sorted(log.keys.all(), key=lambda k: k.added_at)
        found.append(
            {
                "origin": log.origin,
                "size": log.size,
                "cosigned": log.cosigned,
                "keys": [k.vkey for k in keys_ if k.removed_at is None],
                "removed_keys": [k.vkey for k in keys_ if k.removed_at is not None],
            }
        )
    return found


def cosigned_checkpoint(origin_sha256: str) -> str | None:
    """The latest checkpoint cosigned for the origin with this hex SHA-256: the log's note with
    the witness's cosignature appended; None if the witness never cosigned one."""
    log = WitnessedLog.objects.filter(origin_sha256=origin_sha256.lower(), cosigned=True).first()
    if log is None:
        return None
    return log.checkpoint + log.cosignature

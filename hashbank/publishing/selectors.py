"""Reads of publishing: each witness's state for the dashboard and `manage.py publishing status`,
and why the latest sealed checkpoint is not published, for /readyz."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from hashbank.ledger import selectors as ledger_selectors
from hashbank.publishing import services
from hashbank.publishing.errors import PublishingError
from hashbank.publishing.models import Witness


def witness_states(now: datetime | None = None) -> list[dict]:
    """One dict per witness: name, key, URL, last cosigned size and time, its lag behind the
    latest sealed checkpoint in entries and in seconds (since it last cosigned), the latest
    outcome and the last error with its time, and when it was seen forking."""
    now = now or timezone.now()
    latest = ledger_selectors.latest_sealed()
    size = latest.size if latest is not None else 0
    states = []
    for row in Witness.objects.order_by("name"):
        cosigned = row.cosigned_size
        states.append(
            {
                "name": row.name,
                "vkey": row.vkey,
                "url": row.url,
                "cosigned_size": cosigned,
                "cosigned_at": row.cosigned_at,
                "lag_entries": size - (cosigned or 0),
                "lag_seconds": (
                    int((now - row.cosigned_at).total_seconds()) if row.cosigned_at else None
                ),
                "last_outcome": row.last_outcome,
                "last_attempt_at": row.last_attempt_at,
                "last_error": row.last_error,
                "last_error_at": row.last_error_at,
                "forked_at": row.forked_at,
            }
        )
    return states


def quorum_problem(now: datetime | None = None) -> str | None:
    """Why members are not shown the latest sealed checkpoint, in plain words, once that has
    lasted longer than the publish timeout in fail-closed mode; None when all is well (no policy,
    everything published, publishing under way, or fail-open)."""
    try:
        policy = services.load_policy()
    except PublishingError as exc:
        return exc.message
    if policy is None or settings.HASHBANK_WITNESS_FAIL_OPEN:
        return None
    waiting = ledger_selectors.unpublished_since()
    if waiting is None:
        return None
    now = now or timezone.now()
    if (now - waiting.signed_at).total_seconds() <= settings.HASHBANK_PUBLISH_TIMEOUT:
        return None
    reasons = [
        f"{row.name} {row.last_outcome or _('not asked yet')}"
        for row in Witness.objects.order_by("name")
    ]
    since = waiting.signed_at.replace(microsecond=0).isoformat()
    return _("witness quorum not met since %(since)s (tree size %(size)s): %(reasons)s") % {
        "since": since,
        "size": waiting.size,
        "reasons": ", ".join(reasons) or _("no witness asked yet"),
    }


def summary() -> str:
    """One line for the dashboard and the status command (in the active language: English
    outside a request)."""
    if not settings.HASHBANK_WITNESS_POLICY:
        return _("no witness policy: checkpoints are published as soon as they are sealed")
    problem = quorum_problem()
    if problem:
        return problem
    latest = ledger_selectors.latest_checkpoint()
    mode = _("fail-open (bootstrap)") if settings.HASHBANK_WITNESS_FAIL_OPEN else _("fail-closed")
    policy = settings.HASHBANK_WITNESS_POLICY
    if latest is None:
        return _("witness policy %(policy)s (%(mode)s); nothing published yet") % {
            "policy": policy,
            "mode": mode,
        }
    at = latest.published_at.replace(microsecond=0).isoformat()
    if latest.without_quorum:
        text = _(
            "witness policy %(policy)s (%(mode)s); published size %(size)s WITHOUT the quorum at %(at)s"
        )
    else:
        text = _("witness policy %(policy)s (%(mode)s); published size %(size)s at %(at)s")
    return text % {"policy": policy, "mode": mode, "size": latest.size, "at": at}

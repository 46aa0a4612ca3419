"""`{% applied_status item %}`: "applied by N of M platforms" under a photo (or a hash) of the status page
(submissions/_applied.html), from the `applied` map the view puts in the context."""

from __future__ import annotations

from django import template

from hashbank.submissions.applied import EXPECTED_HOURS, for_item

register = template.Library()


@register.inclusion_tag("submissions/_applied.html", takes_context=True)
def applied_status(context, item) -> dict:
    applied = for_item(context.get("applied") or {}, item)
    removal = item.status in ("withdrawn", "removed")
    return {
        "applied": applied,
        "status": item.status,
        "removal": removal,
        "done": (applied.removed if removal else applied.added) if applied else 0,
        "names": ", ".join(
            (applied.named_removed if removal else applied.named_added) if applied else ()
        ),
        "hours": EXPECTED_HOURS,
    }

"""Template filters for the console."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from hashbank.cases.pins import format_case_number
from hashbank.disputes.models import Dispute
from hashbank.staff import roles

register = template.Library()


@register.filter
def case_number(number: str) -> str:
    """A stored case number as people read it (`HB-7KQ4-M2XD`)."""
    return format_case_number(number) if number else ""


# A dispute's, a member's or a peer's status as the console has always shown it (the stored code, lower
# case), in the reader's language; the code itself stays for CSS classes and the API.
STATUS_WORDS = {
    "open": _("open"),
    "upheld": _("upheld"),
    "rejected": _("rejected"),
    "active": _("active"),
    "suspended": _("suspended"),
    "removed": _("removed"),
}


@register.filter
def status_word(status: str) -> str:
    return str(STATUS_WORDS.get(status, status))


@register.filter
def reason_label(code: str) -> str:
    """A dispute or uphold reason code as people read it; the form still posts the code."""
    return str(dict(Dispute.Reason.choices).get(code, code))


# The roles are groups named in English (docs/staff-console.md's role table); shown translated.
ROLE_WORDS = {
    roles.CASEWORKER: _("caseworker"),
    roles.DISPUTE_REVIEWER: _("dispute reviewer"),
    roles.MEMBER_MANAGER: _("member manager"),
    roles.ADMINISTRATOR: _("administrator"),
    roles.AUDITOR: _("auditor"),
}


@register.filter
def role_word(name: str) -> str:
    return str(ROLE_WORDS.get(name, name))

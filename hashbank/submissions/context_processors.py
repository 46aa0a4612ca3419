"""What every page's base template shows: the helpline's contact (read only if the page shows
it) and the quick exit's destination in the page's language."""

from __future__ import annotations

from django.db import DatabaseError
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from hashbank.helpline import selectors as helpline


def _contact() -> helpline.Contact:
    # A page that refuses a request (or a database that is away) still names the helpline: the
    # configured contact, rather than a 500 for the person.
    try:
        return helpline.contact()
    except DatabaseError:
        return helpline.contact_from_settings()


def victim_pages(request: HttpRequest) -> dict:
    return {
        "helpline": SimpleLazyObject(_contact),
        "quick_exit_url": helpline.quick_exit_url(get_language()),
    }

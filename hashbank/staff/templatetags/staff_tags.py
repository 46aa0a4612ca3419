"""Template filters for the console."""

from __future__ import annotations

from django import template

from hashbank.cases.pins import format_case_number

register = template.Library()


@register.filter
def case_number(number: str) -> str:
    """A stored case number as people read it (`HB-7KQ4-M2XD`)."""
    return format_case_number(number) if number else ""

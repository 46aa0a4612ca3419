"""Writes for the helpline's contact: an administrator saves it in the console, audited.

The row replaces the environment's defaults (settings.HASHBANK_HELPLINE) everywhere at once;
the change and its audit entry commit together.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from hashbank.audit.services import record_event
from hashbank.core.errors import DomainError
from hashbank.helpline import selectors
from hashbank.helpline.errors import HelplineErrorCode
from hashbank.helpline.models import SINGLETON_PK, HelplineContact


def update_contact(
    *, actor, organisation: str, phone: str, email: str, hours: str, website: str
) -> selectors.Contact:
    """Save the contact every victim page shows. Raises DomainError(invalid_contact) naming the
    fields that are wrong (an organisation is required; a web address must be http(s))."""
    values = {
        "organisation": organisation.strip(),
        "phone": phone.strip(),
        "email": email.strip(),
        "hours": hours.strip(),
        "website": website.strip(),
    }
    if values["website"] and not values["website"].lower().startswith(("https://", "http://")):
        raise DomainError(
            _("The web address must start with https://."), code=HelplineErrorCode.INVALID_CONTACT
        )
    with transaction.atomic():
        before = selectors.contact()
        row = HelplineContact.objects.select_for_update().filter(pk=SINGLETON_PK).first()
        row = row or HelplineContact(pk=SINGLETON_PK)
        for name, value in values.items():
            setattr(row, name, value)
        row.updated_by = actor if getattr(actor, "pk", None) else None
        try:
            row.full_clean(exclude=["updated_by"])
        except ValidationError as error:
            fields = ", ".join(sorted(error.message_dict))
            raise DomainError(
                _("Check these fields: %(fields)s.") % {"fields": fields},
                code=HelplineErrorCode.INVALID_CONTACT,
            ) from None
        row.save()
        after = selectors.contact()
        record_event(
            actor=actor,
            action="helpline.update_contact",
            target="helpline",
            before=before.as_dict(),
            after=after.as_dict(),
        )
    return after

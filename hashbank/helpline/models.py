"""The helpline's contact details, as an administrator last saved them (one row at most).

Until an administrator saves them in the console, the details come from the environment
(`HASHBANK_HELPLINE_*`, read in settings.py); see selectors.contact.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

SINGLETON_PK = 1


class HelplineContact(models.Model):
    organisation = models.CharField(max_length=200)
    phone = models.CharField(max_length=50, blank=True)
    email = models.EmailField(max_length=200, blank=True)
    hours = models.CharField(max_length=200, blank=True)
    website = models.URLField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        default_permissions = ()

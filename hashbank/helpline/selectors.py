"""Reads for the helpline's contact: what every victim page shows under "contact the helpline".

`contact()` is the saved row if an administrator saved one, else the environment's defaults.
`contact_from_settings()` and `quick_exit_url()` never touch the database: the 500 page uses
them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.conf import settings

from hashbank.helpline.models import SINGLETON_PK, HelplineContact

FIELDS = ("organisation", "phone", "email", "hours", "website")


@dataclass(frozen=True)
class Contact:
    organisation: str
    phone: str
    email: str
    hours: str
    website: str

    @property
    def phone_link(self) -> str:
        """The number as a tel: URI (digits and a leading +)."""
        digits = "".join(ch for ch in self.phone if ch.isdigit())
        return f"tel:{'+' if self.phone.strip().startswith('+') else ''}{digits}"

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def contact_from_settings() -> Contact:
    return Contact(**{name: settings.HASHBANK_HELPLINE[name] for name in FIELDS})


def contact() -> Contact:
    row = HelplineContact.objects.filter(pk=SINGLETON_PK).first()
    if row is None:
        return contact_from_settings()
    return Contact(**{name: getattr(row, name) for name in FIELDS})


def quick_exit_url(language: str | None) -> str:
    """Where "Leave this site quickly" goes for a page in `language` (settings only: the 500 page
    calls it too). A language without its own destination gets the first one configured."""
    urls = settings.HASHBANK_QUICK_EXIT_URLS
    code = (language or "").split("-")[0].lower()
    return urls.get(code) or next(iter(urls.values()))

"""The member portal speaks Spanish: every page, signed in, shows no English text that the same
page in English also shows (names, codes and data aside: tests/fixtures/translations.py). The
catalogue check that covers the portal's code is tests/staff/test_console_translations.py."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.fixtures.translations import english_left, get_in

pytestmark = pytest.mark.django_db

PAGES = {
    "sync status": "/portal/",
    "first sync": "/portal/first-sync/",
    "credentials": "/portal/credentials/",
    "receipt keys": "/portal/receipt-keys/",
    "webhooks": "/portal/webhooks/",
    "match reports": "/portal/reports/",
    "disputes": "/portal/disputes/",
}


def test_portal_pages_in_spanish_show_no_english_text(signed_in):
    left = {
        name: english_left(get_in(signed_in, path, "en"), get_in(signed_in, path, "es"))
        for name, path in PAGES.items()
    }
    anonymous = Client()
    for name, path in {"sign in": "/portal/login/", "invitation": "/portal/invitation/"}.items():
        left[name] = english_left(get_in(anonymous, path, "en"), get_in(anonymous, path, "es"))
    assert {name: nodes for name, nodes in left.items() if nodes} == {}

"""The keys page shows the signing keys and where a rotation (run from manage.py) stands."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from hashbank.audit.models import AuditEntry
from tests.fixtures.staff import signed_in

pytestmark = pytest.mark.django_db


def test_keys_page_follows_a_rotation(key_dir, make_staff):
    client = signed_in(make_staff("auditor"))
    assert "No root document yet" in client.get("/staff/keys/").content.decode()
    call_command("keys", "init", verbosity=0)
    body = client.get("/staff/keys/").content.decode()
    assert "Steady: one signing key." in body and body.count("<td>loaded</td>") == 1
    call_command("keys", "rotate", verbosity=0)
    body = client.get("/staff/keys/").content.decode()
    assert "Rotation in progress: 2 keys" in body and body.count("<td>loaded</td>") == 2
    assert "Root document 2 (current)" in body
    assert AuditEntry.objects.filter(action="key.rotated").count() == 1

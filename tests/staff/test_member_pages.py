"""Member managers onboard platforms and control their access; the console shows sync lag."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.fixtures.staff import signed_in

pytestmark = pytest.mark.django_db


def test_suspending_a_member_stops_its_credentials_at_once(world, make_staff):
    manager = signed_in(make_staff("member manager"))
    api = Client(HTTP_AUTHORIZATION=f"Bearer {world.token}")
    assert api.get("/api/v1/checkpoint").status_code == 200
    manager.post(f"/staff/members/{world.member.slug}/suspend/", {"reason": "abuse report"})
    response = api.get("/api/v1/checkpoint")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "member_suspended"
    manager.post(f"/staff/members/{world.member.slug}/reactivate/")
    assert api.get("/api/v1/checkpoint").status_code == 200


def test_members_page_shows_how_far_each_member_has_pulled(world, make_staff):
    manager = signed_in(make_staff("member manager"))
    body = manager.get("/staff/members/").content.decode()
    assert "Acme Video" in body and "never" in body
    api = Client(HTTP_AUTHORIZATION=f"Bearer {world.token}")
    assert api.get("/api/v1/entries?from=0&size=3").status_code == 200
    # The bank moves on: another case is sealed (its signal and a state entry), unpulled yet.
    from hashbank.cases import services as cases
    from hashbank.ledger import services as ledger
    from tests.fixtures.values import ATTESTED, md5

    cases.submit_case(hashes=[md5()], attestations=ATTESTED)
    ledger.seal()
    body = manager.get(f"/staff/members/{world.member.slug}/").content.decode()
    assert "Latest checkpoint</dt><dd>5" in body
    assert "Pulled up to</dt><dd>3" in body and "(2 behind)" in body

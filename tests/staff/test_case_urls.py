"""Case numbers never appear in staff URLs (issue 17): URLs reach access logs, browser history
and proxies, and a case number is half of the person's credential."""

from __future__ import annotations

import re

import pytest

from tests.fixtures.staff import signed_in

pytestmark = pytest.mark.django_db


def test_finding_a_case_posts_the_number_and_lands_on_a_url_without_it(world, make_staff):
    caseworker = signed_in(make_staff("caseworker"))
    number = world.case.number
    response = caseworker.post("/staff/cases/", {"number": number})
    assert response.status_code == 302
    assert number not in response["Location"]
    page = caseworker.get(response["Location"]).content.decode()
    assert "HB-" in page  # the page shows the number to the caseworker
    for url in re.findall(r'(?:href|action)="([^"]+)"', page):
        assert number not in url.replace("-", "").upper(), url


def test_the_find_form_does_not_put_the_number_in_a_query_string(db, make_staff):
    page = signed_in(make_staff("caseworker")).get("/staff/cases/").content.decode()
    assert re.search(r'<form method="post" action="/staff/cases/"', page)

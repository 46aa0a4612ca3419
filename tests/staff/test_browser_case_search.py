"""In headless Chromium: a caseworker signs in with password and TOTP (the code computed here, as
the phone would show it), finds a case from the start of its number, takes it, finds it again
under "My cases", narrows the list with filters, and finds cases by a PDQ hash within a distance."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from hashbank.staff import otp
from tests.fixtures.staff import PASSWORD
from tests.fixtures.values import ATTESTED, md5, pdq

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TIMEOUT = 30_000


def shown(number: str) -> str:
    return f"{number[:2]}-{number[2:6]}-{number[6:]}"


def test_caseworker_searches_takes_a_case_and_filters_the_list(page, live_server, make_staff):
    from hashbank.cases import services as cases
    from hashbank.cases.models import Case

    base = pdq()
    wanted, _ = cases.submit_case(hashes=[base, md5()], attestations=ATTESTED)
    near_value = f"{int(base['value'], 16) ^ 0xFFFFF:064x}"  # 20 bits away
    near, _ = cases.submit_case(
        hashes=[{"type": "pdq", "value": near_value, "quality": 90}], attestations=ATTESTED
    )
    locked, _ = cases.submit_case(hashes=[md5()], attestations=ATTESTED)
    Case.objects.filter(pk=locked.pk).update(locked_at=timezone.now())
    user = make_staff("caseworker", username="cora", password=PASSWORD)
    device = TOTPDevice.objects.get(user=user)

    page.set_default_timeout(TIMEOUT)
    page.goto(f"{live_server.url}/staff/cases/")
    assert "/staff/login/" in page.url
    page.get_by_label("Username").fill("cora")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/staff/login/verify/$"))
    page.locator("#id_code").fill(otp.current_code(device))
    page.locator("#id_code").press("Enter")
    page.wait_for_url(re.compile(r"/staff/cases/$"))

    # All three cases are listed, newest first.
    table = page.locator("#cases-caption").locator("xpath=..")
    for case in (wanted, near, locked):
        expect(table.get_by_role("link", name=shown(case.number))).to_be_visible()

    # The start of the number, typed as a person reads it out.
    box = page.get_by_label("Case number (or its start) or a hash value")
    box.fill(shown(wanted.number)[:7].lower())
    box.press("Enter")
    expect(page.get_by_role("heading", level=2)).to_contain_text("Case numbers starting")
    assert page.url.endswith("/staff/cases/")  # the search was POSTed: nothing typed in the URL
    page.get_by_role("link", name=shown(wanted.number)).click()
    page.wait_for_url(re.compile(rf"/staff/cases/{wanted.pk}/$"))

    # Take the case; it is then under "My cases".
    page.get_by_label("Assign to").select_option("cora")
    page.get_by_role("button", name="Assign").click()
    expect(page.locator(".messages")).to_contain_text("Assigned to cora.")
    page.get_by_role("link", name="My cases").click()
    page.wait_for_url(re.compile(r"/staff/cases/mine/$"))
    mine = page.locator("main table tbody")
    expect(mine.get_by_role("link")).to_have_count(1)
    expect(mine.get_by_role("link", name=shown(wanted.number))).to_be_visible()

    # The filtered list: locked cases only.
    page.get_by_role("link", name="Cases", exact=True).click()
    page.get_by_label("locked by wrong PINs").check()
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"locked=1"))
    rows = page.locator("main table tbody")
    expect(rows.get_by_role("link")).to_have_count(1)
    expect(rows.get_by_role("link", name=shown(locked.number))).to_be_visible()
    expect(page.get_by_label("locked by wrong PINs")).to_be_checked()

    # A PDQ hash within a distance, from the distance field.
    box = page.get_by_label("Case number (or its start) or a hash value")
    box.fill(base["value"])
    page.get_by_label("PDQ within (bits, optional)").fill("31")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("within 31 bits")
    found = page.locator("main table tbody")
    expect(found.get_by_role("link")).to_have_count(2)
    expect(found.get_by_role("row").nth(0)).to_contain_text(shown(wanted.number))
    expect(found.get_by_role("row").nth(1)).to_contain_text("20")

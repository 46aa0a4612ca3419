"""The workload page in headless Chromium: a caseworker signs in (password and TOTP computed
here), opens Workload from the console's menu, follows the longest-waiting locked case to its
page; axe-core finds no serious violation on the workload page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from hashbank.staff import otp
from tests.fixtures.browser import serious_violations
from tests.fixtures.staff import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TIMEOUT = 30_000


def test_caseworker_opens_the_workload_and_follows_a_locked_case(
    axe_page, live_server, world, make_staff
):
    from hashbank.cases.models import Case

    Case.objects.filter(pk=world.case.pk).update(locked_at=timezone.now() - dt.timedelta(hours=3))
    user = make_staff("caseworker", username="cora", password=PASSWORD)
    page = axe_page
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{live_server.url}/staff/login/")
    page.get_by_label("Username").fill("cora")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/staff/login/verify/$"))
    page.locator("#id_code").fill(otp.current_code(TOTPDevice.objects.get(user=user)))
    page.locator("#id_code").press("Enter")
    page.wait_for_url(re.compile(r"/staff/$"))

    page.get_by_role("navigation", name="Console").get_by_role("link", name="Workload").click()
    page.wait_for_url(re.compile(r"/staff/workload/$"))
    expect(page.locator("#locked-count")).to_have_text("1")
    row = page.locator("#locked-table tbody tr").first
    expect(row).to_contain_text("3 hours")
    expect(page.locator("#members-table")).to_contain_text("entries")
    assert serious_violations(page) == []
    row.get_by_role("link").click()
    page.wait_for_url(re.compile(rf"/staff/cases/{world.case.pk}/$"))

"""In Chromium: a new portal user accepts an invitation, leaves on the QR page, comes back another
day by signing in with their password alone, is taken back to the same key, confirms a code
computed from it (as their phone would) and reaches the portal."""

from __future__ import annotations

import base64
import re

import pytest
from playwright.sync_api import expect

from member_portal.members import services
from tests.portal.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TIMEOUT = 30_000


def code_for(key: str, drift: int = 0) -> str:
    from django_otp.oath import totp

    raw = base64.b32decode(key + "=" * (-len(key) % 8))
    return f"{totp(raw, step=30, t0=0, digits=6, drift=drift):06d}"


def test_a_user_who_left_on_the_qr_page_signs_in_and_finishes_enrolment(
    chromium, live_server, member
):
    _, invitation = services.invite_user(member=member, username="bob")
    first = chromium.new_context()
    page = first.new_page()
    page.set_default_timeout(TIMEOUT)
    try:
        page.goto(f"{live_server.url}/portal/invitation/")
        page.get_by_label("Invitation").fill(invitation)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(re.compile(r"/portal/enrol/$"))
        key = page.locator("main code").text_content().strip()
    finally:
        first.close()  # the tab is closed before any code is confirmed

    later = chromium.new_context()
    page = later.new_page()
    page.set_default_timeout(TIMEOUT)
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    try:
        page.goto(f"{live_server.url}/portal/login/")
        page.get_by_label("Username").fill("bob")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(r"/portal/enrol/$"))
        expect(page.locator("main code")).to_have_text(key)  # the key already scanned
        page.get_by_label("Code from your authenticator app").fill(code_for(key))
        page.get_by_role("button", name="Confirm").click()
        page.wait_for_url(re.compile(r"/portal/login/$"))
        page.get_by_label("Username").fill("bob")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_label("Code from your authenticator app").fill(code_for(key, drift=1))
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_selector("h1:has-text('Sync status')")
    finally:
        later.close()
    assert problems == []

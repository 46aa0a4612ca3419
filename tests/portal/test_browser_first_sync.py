"""The first-sync checklist in a real Chromium, under the strict CSP: a new member's engineer
signs in (password and TOTP computed here), issues a credential and copies its header line with
the Copy button, sends a test webhook that reaches a real receiver, and reads the fingerprint to
pin. axe-core finds no serious violation on the checklist or the credentials page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from member_portal.webhooks import services as webhooks
from tests.fixtures.browser import AXE, serious_violations
from tests.portal.conftest import PASSWORD, totp_now
from tests.webhooks.conftest import receiver  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TIMEOUT = 30_000


def test_engineer_walks_the_first_sync_checklist(
    chromium,
    live_server,
    portal_user,
    member,
    published,
    receiver,  # noqa: F811
    tasks_in_process,
):
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed ({AXE}); run `make browser-deps`")
    _user, device = portal_user
    webhooks.add_endpoint(member=member, url=receiver.url)
    context = chromium.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    try:
        page.goto(f"{live_server.url}/portal/login/")
        page.fill("#id_username", "alice")
        page.fill("#id_password", PASSWORD)
        page.fill("#id_otp_token", totp_now(device, drift=1))
        page.click("button[type=submit]")
        page.wait_for_selector("h1:has-text('Sync status')")

        page.get_by_role("link", name="First sync").click()
        expect(page.locator("#credential .state")).to_have_text("To do: no usable credential.")
        fingerprint = page.locator("#root-fingerprint").text_content().strip()
        assert len(fingerprint.replace(" ", "")) == 64

        page.get_by_role("link", name="Credentials").first.click()
        page.fill("#id_label", "first sync")
        page.click("form.stack button[type=submit]")
        token = page.text_content("#new-token").strip()
        expect(page.locator("#credential-line")).to_have_value(f"Authorization: Bearer {token}")
        page.bring_to_front()
        page.get_by_role("button", name="Copy").click()
        expect(page.locator("#copy-status")).to_have_text("Copied.")

        page.goto(f"{live_server.url}/portal/first-sync/")
        page.get_by_role("button", name=f"Send a test webhook to {receiver.url}").click()
        expect(page.locator("#test-deliveries")).to_contain_text("delivered")
        assert receiver.event.is_set()
        assert b'"event":"webhook.test"' in receiver.requests[0][1]
        assert problems == []

        # axe-core, injected into a context that may run it (the CSP forbids the injection).
        checker = chromium.new_context(bypass_csp=True)
        checker.add_cookies(context.cookies())
        axe_page = checker.new_page()
        found = {}
        for path in ("/portal/first-sync/", "/portal/credentials/"):
            axe_page.goto(f"{live_server.url}{path}")
            found[path] = serious_violations(axe_page)
        checker.close()
        assert found == {path: [] for path in found}
    finally:
        context.close()

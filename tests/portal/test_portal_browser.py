"""The portal in a real Chromium: sign in with password and TOTP under the strict CSP."""

import pytest

from tests.portal.conftest import PASSWORD, totp_now


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_member_signs_in_and_sees_sync_status_without_csp_violations(
    live_server, page, portal_user
):
    _user, device = portal_user
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.goto(f"{live_server.url}/portal/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_otp_token", totp_now(device, drift=1))
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Sync status')")
    page.click("a[href='/portal/credentials/']")
    page.fill("#id_label", "from the browser")
    page.click("form.stack button[type=submit]")
    token = page.text_content("#new-token")
    assert token.startswith("hbk_")
    assert problems == []

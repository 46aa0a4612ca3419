import pytest
from .conftest import signed_in
from .test_browser_accessibility import AXE, axe_context, serious_violations, _session_cookie  # noqa

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_tmp(axe_context, live_server, make_staff):
    from member_portal.members import services
    from hashbank.audit.services import record_event
    m = services.create_member(slug="acme", name="Acme")
    services.issue_credential(member=m)
    record_event(actor="x", action="case.note_added", target="case:1", after={"a": 1})
    admin = make_staff("administrator", username="ada")
    page = axe_context.new_page()
    found = {}
    page.goto(f"{live_server.url}/staff/login/")
    found["login"] = serious_violations(page)
    pending = signed_in(make_staff("caseworker", username="newbie"), verified=False)
    axe_context.add_cookies([_session_cookie(pending, live_server.url)])
    page.goto(f"{live_server.url}/staff/login/verify/")
    found["verify"] = serious_violations(page)
    from django_otp.plugins.otp_totp.models import TOTPDevice
    TOTPDevice.objects.filter(user__username="newbie").delete()
    page.goto(f"{live_server.url}/staff/login/enrol/")
    found["enrol"] = serious_violations(page)
    page.screenshot(path="/tmp/enrol.png", full_page=True)
    axe_context.clear_cookies()
    axe_context.add_cookies([_session_cookie(signed_in(admin), live_server.url)])
    for name, path in {
                       "audit": "/staff/audit/", "verify": "/staff/audit/verify", "accounts": "/staff/accounts/",
                       "keys": "/staff/keys/", "assisted": "/staff/cases/new/"}.items():
        r = page.goto(f"{live_server.url}{path}")
        print(name, r.status)
        found[name] = serious_violations(page)
        page.screenshot(path=f"/tmp/{name}.png", full_page=True)
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link", name
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main", name
    assert {k: v for k, v in found.items() if v} == {}

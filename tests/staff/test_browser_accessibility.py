"""axe-core (npm, injected from a local file) finds no serious or critical violation on any
console page, and every page starts with a working skip link for keyboard users."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from tests.fixtures.browser import serious_violations
from tests.fixtures.staff import signed_in
from tests.fixtures.values import ATTESTED, md5

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _session_cookie(client: Client, url: str) -> dict:
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url}


def test_console_pages_have_no_serious_accessibility_violations(
    axe_context, live_server, world, make_staff
):
    from hashbank.audit.services import record_event
    from hashbank.cases.models import Case

    Case.objects.filter(pk=world.case.pk).update(locked_at=timezone.now())
    record_event(actor="someone", action="case.note_added", target=f"case:{world.case.number}")
    admin = make_staff("administrator", username="ada")
    from hashbank.cases import services as cases
    from hashbank.staff import services as staff_services

    # A staff-raised dispute on another case, so this case's MD5 hash still offers the form.
    other_case, _ = cases.submit_case(hashes=[md5()], attestations=ATTESTED)
    staff_dispute = staff_services.raise_dispute(
        case=other_case,
        case_signal_id=other_case.case_signals.get().pk,
        actor=admin,
        reason="not_the_person",
        note="Raised by staff.",
    )
    page = axe_context.new_page()
    found: dict[str, list[str]] = {}

    # Signed out: the sign-in page.
    page.goto(f"{live_server.url}/staff/login/")
    found["login"] = serious_violations(page)
    # Password done, second factor pending: the code page and (no device) the enrolment page.
    pending = signed_in(make_staff("caseworker", username="newbie"), verified=False)
    axe_context.add_cookies([_session_cookie(pending, live_server.url)])
    page.goto(f"{live_server.url}/staff/login/verify/")
    found["verify"] = serious_violations(page)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user__username="newbie").delete()
    page.goto(f"{live_server.url}/staff/login/enrol/")
    found["enrol"] = serious_violations(page)

    axe_context.clear_cookies()
    axe_context.add_cookies([_session_cookie(signed_in(admin), live_server.url)])
    pages = {
        "dashboard": "/staff/",
        "find case": "/staff/cases/",
        "filtered case list": "/staff/cases/?locked=1&assisted=1",
        "case search": f"/staff/cases/?q={world.case.number[2:5]}",
        "my cases": "/staff/cases/mine/",
        "case": f"/staff/cases/{world.case.pk}/",
        "assisted": "/staff/cases/new/",
        "review queue": "/staff/review/",
        "dispute": f"/staff/review/{world.dispute.pk}/",
        "staff-raised dispute": f"/staff/review/{staff_dispute.pk}/",
        "members": "/staff/members/",
        "member": f"/staff/members/{world.member.slug}/",
        "keys": "/staff/keys/",
        "audit log": "/staff/audit/",
        "audit check": "/staff/audit/verify",
        "accounts": "/staff/accounts/",
    }
    for name, path in pages.items():
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, (name, response.status)
        found[name] = serious_violations(page)
        # The first Tab lands on the skip link, and it moves focus to the main content.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link", name
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main", name
    # The case page's "Raise a dispute" forms are folded; unfold them so axe checks them too.
    page.goto(f"{live_server.url}/staff/cases/{world.case.pk}/")
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    assert page.locator("details[open] form").count() >= 1
    found["case, dispute form open"] = serious_violations(page)
    assert {name: v for name, v in found.items() if v} == {}

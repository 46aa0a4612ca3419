"""In headless Chromium: a caseworker signs in (TOTP computed here), switches the console to
Spanish from the header, works in Spanish (the choice is kept across pages and the next
sign-in), and axe-core finds no serious violation on the Spanish pages (their `lang` is `es`)."""

from __future__ import annotations

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from hashbank.staff import otp
from tests.fixtures.browser import serious_violations
from tests.fixtures.staff import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TIMEOUT = 30_000


def test_the_console_switches_to_spanish_and_stays_accessible(
    axe_page, live_server, world, make_staff
):
    page = axe_page
    page.set_default_timeout(TIMEOUT)
    admin = make_staff("administrator", username="ada", password=PASSWORD)
    device = TOTPDevice.objects.get(user=admin)

    page.goto(f"{live_server.url}/staff/cases/")
    expect(page.locator("#id_username")).to_be_focused()
    page.keyboard.type("ada")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/staff/login/verify/$"))
    page.get_by_label("Six-digit code").fill(otp.current_code(device))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/staff/cases/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # The switch in the header: back on the same page, in Spanish.
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change").click()
    page.wait_for_url(re.compile(r"/staff/cases/$"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Casos")
    expect(page.get_by_role("button", name="Cerrar sesión")).to_be_visible()

    found: dict[str, list[str]] = {"cases": serious_violations(page)}
    pages = {
        "case": f"/staff/cases/{world.case.pk}/",
        "review queue": "/staff/review/",
        "dispute": f"/staff/review/{world.dispute.pk}/",
        "members": "/staff/members/",
        "member": f"/staff/members/{world.member.slug}/",
        "audit log": "/staff/audit/",
        "accounts": "/staff/accounts/",
    }
    for name, path in pages.items():
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, (name, response.status)
        expect(page.locator("html")).to_have_attribute("lang", "es")
        found[name] = serious_violations(page)
    # The case page reads in Spanish, and a form on it works in Spanish.
    page.goto(f"{live_server.url}/staff/cases/{world.case.pk}/")
    expect(page.get_by_role("heading", name="Cronología")).to_be_visible()
    page.get_by_label("Añadir una nota (nunca se muestra a la persona)").fill("Llamada atendida.")
    page.get_by_role("button", name="Añadir nota").click()
    expect(page.locator(".note", has_text="Llamada atendida.")).to_be_visible()
    assert {name: v for name, v in found.items() if v} == {}

    # Signed out, the sign-in page keeps the language (the cookie set_language left).
    page.get_by_role("button", name="Cerrar sesión").click()
    page.goto(f"{live_server.url}/staff/login/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Acceso del personal")
    assert serious_violations(page) == []

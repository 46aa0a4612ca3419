"""In Chromium, in both languages: a withdrawal is scheduled, the page says when it takes effect,
the person cancels it, and axe-core finds no serious violation on the way."""

from __future__ import annotations

import pytest

from hashbank.cases import pins, services
from hashbank.cases.models import CaseSignal
from tests.fixtures.browser import serious_violations
from tests.fixtures.values import ATTESTED, md5, pdq

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("signing_key"),
]

WORDS = {
    "en": ("Your withdrawal is scheduled. It takes effect on", "Withdrawal cancelled."),
    "es": ("Hemos programado la retirada. Se hará efectiva el", "Retirada cancelada."),
}


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_scheduled_withdrawal_says_when_and_can_be_cancelled(
    axe_page, live_server, settings, language
):
    settings.HASHBANK_WITHDRAWAL_COOLING_OFF = 86400
    case, pin = services.submit_case(hashes=[pdq(), md5()], attestations=ATTESTED)
    page = axe_page
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/status/")
    page.fill("#case-number", pins.format_case_number(case.number))
    page.fill("#pin", pins.format_pin(pin))
    with page.expect_navigation():
        page.click("form.narrow button[type=submit]")
    with page.expect_navigation():
        page.click(".withdraw-all button")
    assert serious_violations(page) == []  # the confirmation: what stops working, and when
    with page.expect_navigation():
        page.click(".confirm-withdrawal button")
    scheduled, cancelled = WORDS[language]
    assert scheduled in page.inner_text("#withdrawal-scheduled")
    assert page.locator("tr[data-withdraws-at]").count() == 2
    assert page.locator('tr[data-status="withdrawn"]').count() == 0
    assert serious_violations(page) == []
    assert CaseSignal.objects.filter(case=case, withdrawal_due_at__isnull=False).count() == 2
    # Post/redirect/get: Back GETs the confirmation page again, never a resubmitted POST.
    back = page.go_back()
    assert back is not None and back.request.method == "GET" and back.status == 200
    assert "/status/withdraw/?item=all" in page.url
    page.go_forward()
    assert page.locator("tr[data-withdraws-at]").count() == 2

    with page.expect_navigation():
        page.locator("tr[data-withdraws-at] button").first.click()
    assert page.locator("tr[data-withdraws-at]").count() == 1
    with page.expect_navigation():
        page.click(".cancel-all button")
    assert cancelled in page.inner_text("#status-notice")
    assert page.locator("tr[data-withdraws-at]").count() == 0
    assert page.locator(".cancel-all").count() == 0
    assert serious_violations(page) == []
    assert set(CaseSignal.objects.filter(case=case).values_list("status", "withdrawal_due_at")) == {
        ("active", None)
    }

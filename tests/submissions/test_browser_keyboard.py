"""The flow can be completed with the keyboard alone: Tab, Space and Enter, no mouse."""

from __future__ import annotations

import pytest

from hashbank.cases.models import Case
from tests.submissions import browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("signing_key"),
]


def tab_to(page, selector: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "s => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
    raise AssertionError(f"{selector} is not reachable with Tab")


@pytest.mark.usefixtures("no_cooling_off")
def test_a_person_can_submit_and_withdraw_with_the_keyboard_only(page, live_server, tmp_path):
    files = browser.make_files(tmp_path)
    page.goto(f"{live_server.url}/")
    tab_to(page, 'a[href="/submit/"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")

    tab_to(page, "#adult-yes")
    page.keyboard.press("Space")
    tab_to(page, "#depicted-yes")
    page.keyboard.press("Space")
    tab_to(page, "#eligibility-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#step-files:not([hidden])")
    # Focus moved to the new step's heading, so the next Tab goes into the step.
    assert page.evaluate("document.activeElement.id") == "files-heading"

    # Subscribed before moving to the input: Playwright enables file-chooser interception with a
    # message it does not wait for, which a key press sent at once can overtake (CI saw this).
    page.on("filechooser", lambda chooser: chooser.set_files([str(path) for path in files]))
    tab_to(page, "#file-input")
    page.keyboard.press("Space")
    browser.wait_until_hashed(page, len(files))
    tab_to(page, "#files-next")
    page.keyboard.press("Enter")
    page.wait_for_selector("#step-review:not([hidden])")

    tab_to(page, "#consent-consent")
    page.keyboard.press("Space")
    tab_to(page, "#send")
    page.keyboard.press("Enter")
    number, pin = browser.read_result(page)
    assert Case.objects.count() == 1

    page.goto(f"{live_server.url}/status/")
    tab_to(page, "#case-number")
    page.keyboard.type(number)
    tab_to(page, "#pin")
    page.keyboard.type(pin)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, ".withdraw-all button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, ".confirm-withdrawal button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert (
        page.locator('tr[data-status="withdrawn"]').count()
        == page.locator("tr[data-item-id]").count()
        > 0
    )

"""axe-core (from npm, injected from a local file) finds no serious or critical violations."""

from __future__ import annotations

import pytest

from tests.fixtures.browser import serious_violations
from tests.submissions import browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("signing_key"),
]


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_step_of_the_flow_has_no_serious_accessibility_violation(
    axe_page, live_server, tmp_path, language
):
    page = axe_page
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    found: dict[str, list[str]] = {}
    page.goto(f"{live_server.url}/")
    found["home"] = serious_violations(page)
    page.goto(f"{live_server.url}/submit/")
    found["eligibility"] = serious_violations(page)
    page.check("#adult-no")
    page.check("#depicted-yes")
    page.click("#eligibility-form button[type=submit]")
    found["under 18"] = serious_violations(page)
    page.check("#adult-yes")
    page.click("#eligibility-form button[type=submit]")
    files = browser.make_files(tmp_path)
    page.set_input_files("#file-input", [str(path) for path in files])
    browser.wait_until_hashed(page, len(files))
    found["files"] = serious_violations(page)
    page.click("#files-next")
    found["review"] = serious_violations(page)
    page.check("#consent-consent")
    page.click("#send")
    number, pin = browser.read_result(page)
    found["result"] = serious_violations(page)
    page.goto(f"{live_server.url}/status/")
    found["status form"] = serious_violations(page)
    page.fill("#case-number", number)
    page.fill("#pin", "000000000000")
    with page.expect_navigation():
        page.click("form.narrow button[type=submit]")
    found["status error"] = serious_violations(page)
    page.fill("#pin", pin)
    with page.expect_navigation():
        page.click("form.narrow button[type=submit]")
    found["status"] = serious_violations(page)
    assert {step: v for step, v in found.items() if v} == {}

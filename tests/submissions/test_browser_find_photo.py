"""In Chromium, in both languages: on the status page the person picks a photo again and its item
is found, fingerprinted on the device; nothing is sent, and a file not in the case is said to be
so."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from hashbank.cases import pins, services
from tests.fixtures.browser import serious_violations
from tests.fixtures.values import ATTESTED, pdq
from tests.submissions import browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("signing_key"),
]

WORDS = {
    "en": ("Found: it is photo or video 2, marked below.", "That file is not in this case."),
    "es": ("Encontrado: es la foto o vídeo 2, marcado abajo.", "Ese archivo no está en este caso."),
}


@pytest.mark.parametrize("language", ["en", "es"])
def test_picking_a_photo_again_finds_its_item_without_sending_anything(
    axe_page, live_server, tmp_path, language
):
    photo, screenshot, clip = browser.make_files(tmp_path)
    hashes = [
        {"type": "md5", "value": browser.md5_of(clip), "file": 0},
        {"type": "md5", "value": browser.md5_of(photo), "file": 1},
        {**pdq(), "file": 1},
    ]
    case, pin = services.submit_case(hashes=hashes, attestations=ATTESTED)
    page = axe_page
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/status/")
    page.fill("#case-number", pins.format_case_number(case.number))
    page.fill("#pin", pins.format_pin(pin))
    with page.expect_navigation():
        page.click("form.narrow button[type=submit]")
    assert page.locator("#find-photo").is_visible()
    assert serious_violations(page) == []
    sent = []
    page.on(
        "request", lambda request: sent.append(request.url) if request.method != "GET" else None
    )

    found, missing = WORDS[language]
    page.set_input_files("#find-photo-input", str(photo))
    page.wait_for_selector("tr.found")
    assert page.inner_text("#find-photo-result") == found
    assert page.get_attribute("tr.found", "data-item-number") == "2"
    assert page.evaluate("document.activeElement.dataset.itemNumber") == "2"

    page.set_input_files("#find-photo-input", str(screenshot))
    # Playwright's expect, not wait_for_function: the strict CSP refuses a compiled predicate.
    expect(page.locator("#find-photo-result")).to_have_text(missing)
    assert page.locator("tr.found").count() == 0
    assert sent == []

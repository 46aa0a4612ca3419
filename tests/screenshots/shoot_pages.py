"""`make screenshots`: every victim page, in English and Spanish, at 1280 px and 390 px wide,
as PNG files in HASHBANK_SCREENSHOT_DIR (var/screenshots, not committed), so that a reviewer can
look at the whole flow in a minute. Not a test (its name does not start with test_, so the suite
never collects it); run alone: `make screenshots`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hashbank.cases import pins, services
from tests.fixtures.values import ATTESTED, pdq
from tests.submissions import browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("signing_key"),
]

OUT = Path(os.environ.get("HASHBANK_SCREENSHOT_DIR", "var/screenshots"))
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("language", ["en", "es"])
def shoot_every_victim_page(chromium, live_server, tmp_path, settings, language, width):
    settings.HASHBANK_WITHDRAWAL_COOLING_OFF = 86400
    w, h = WIDTHS[width]
    context = chromium.new_context(viewport={"width": w, "height": h})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    folder = OUT / f"{language}-{width}"
    folder.mkdir(parents=True, exist_ok=True)
    shots = iter(range(1, 100))

    def shot(name: str) -> None:
        page.screenshot(path=str(folder / f"{next(shots):02d}-{name}.png"), full_page=True)

    base = live_server.url
    for path, name in [
        ("/", "home"),
        ("/help/", "faq"),
        ("/privacy/", "privacy"),
        ("/about/", "about"),
        ("/platforms/", "platforms"),
        ("/cover-your-tracks/", "cover-your-tracks"),
        ("/offline-hasher/", "offline-hasher"),
        ("/check/", "possession-check"),
        ("/no-such-page/", "not-found"),
    ]:
        page.goto(base + path)
        shot(name)
    page.goto(f"{base}/submit/")
    shot("eligibility")
    page.check("#adult-no")
    page.check("#depicted-yes")
    page.click("#eligibility-form button[type=submit]")
    shot("under-18")
    page.check("#adult-yes")
    page.click("#eligibility-form button[type=submit]")
    files = browser.make_files(tmp_path)
    page.set_input_files("#file-input", [str(p) for p in files])
    browser.wait_until_hashed(page, len(files))
    shot("files")
    page.click("#files-next")
    shot("review")
    page.check("#consent-consent")
    page.click("#send")
    browser.read_result(page)
    shot("result")

    case, pin = services.submit_case(
        hashes=[
            {"type": "md5", "value": browser.md5_of(files[0]), "file": 0},
            {**pdq(), "file": 0},
            {"type": "md5", "value": browser.md5_of(files[2]), "file": 1},
        ],
        attestations=ATTESTED,
    )
    page.goto(f"{base}/status/")
    shot("status-form")
    page.fill("#case-number", pins.format_case_number(case.number))
    page.fill("#pin", pins.format_pin(pin))
    page.click("form.narrow button[type=submit]")
    page.wait_for_selector("tr[data-item-id]")
    shot("case")
    page.click(".withdraw-all button")
    page.wait_for_selector(".confirm-withdrawal")
    shot("withdraw-confirmation")
    page.click(".confirm-withdrawal button")
    page.wait_for_selector("#withdrawal-scheduled")
    shot("withdrawal-scheduled")
    context.close()

"""The case number and PIN are hard to lose, in a real Chromium, in English and Spanish: a copy
button, a saved file with a neutral name and the status page's address, a printout with that
address, a warning before leaving until the person says they saved them (never in the quick
exit's way), and values that never wrap on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.submissions import browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("signing_key"),
]

SAVED = {
    "en": ("notes.txt", "Case number: {number}\nPIN: {pin}\nCheck or withdraw it at: {address}\n"),
    "es": (
        "notas.txt",
        "Número de caso: {number}\nPIN: {pin}\nConsúltelo o retírelo en: {address}\n",
    ),
}
COPIED = {
    "en": "Copied. Paste them somewhere private.",
    "es": "Copiado. Péguelos en un lugar privado.",
}


def _result(chromium, live_server, tmp_path, language, **options):
    context = chromium.new_context(locale=language, **options)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    context.route(
        "https://www.bbc.com/**",
        lambda route: route.fulfill(body="<p>Forecast</p>", content_type="text/html"),
    )
    context.route(
        "https://www.eltiempo.es/**",
        lambda route: route.fulfill(body="<p>Previsión</p>", content_type="text/html"),
    )
    page = context.new_page()
    number, pin = browser.submit_files(page, live_server.url, browser.make_files(tmp_path)[:1])
    expected = SAVED[language][1].format(
        number=number, pin=pin, address=f"{live_server.url}/status/"
    )
    return context, page, expected


@pytest.mark.parametrize("language", ["en", "es"])
def test_copy_and_save_give_the_number_pin_and_status_address_under_a_neutral_name(
    chromium, live_server, tmp_path, language
):
    context, page, expected = _result(chromium, live_server, tmp_path, language)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    # The clipboard takes writes only from the focused page; the session's browser has had others.
    page.bring_to_front()
    page.click("#copy")
    # Playwright's own polling (wait_for_function compiles its predicate, which the CSP refuses).
    expect(page.locator("#copy-status")).to_have_text(COPIED[language])
    assert page.evaluate("navigator.clipboard.readText()") == expected
    with page.expect_download() as saved:
        page.click("#save-file")
    assert saved.value.suggested_filename == SAVED[language][0]
    assert open(saved.value.path(), encoding="utf-8").read() == expected
    context.close()


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_printout_carries_the_status_address_and_none_of_the_buttons(
    chromium, live_server, tmp_path, language
):
    context, page, _ = _result(chromium, live_server, tmp_path, language)
    page.emulate_media(media="print")
    assert page.is_visible("#result-address")
    assert page.inner_text("#result-address") == f"{live_server.url}/status/"
    assert not page.is_visible("#save-file")
    assert not page.is_visible("#saved-form")
    assert not page.is_visible("[data-quick-exit]")
    context.close()


@pytest.mark.parametrize("language", ["en", "es"])
def test_leaving_before_saying_they_are_saved_asks_first_and_after_does_not(
    chromium, live_server, tmp_path, language
):
    context, page, _ = _result(chromium, live_server, tmp_path, language)
    assert not page.is_visible("#saved-done")  # what comes next waits for the saved step
    with page.expect_event("dialog") as asked:
        page.evaluate("() => { setTimeout(() => location.reload(), 0); }")
    assert asked.value.type == "beforeunload"
    asked.value.dismiss()
    assert page.is_visible("#result-number")
    page.click("#saved-form button[type=submit]")  # without ticking the box
    assert page.is_visible("#saved-error")
    assert page.is_visible("#result-number")
    page.check("#saved-confirm")
    page.click("#saved-form button[type=submit]")
    page.locator("#saved-done").wait_for(state="visible")
    assert page.evaluate("document.activeElement.id") == "saved-done"
    asked_again = []
    page.on("dialog", lambda dialog: (asked_again.append(dialog.type), dialog.dismiss()))
    with page.expect_navigation():
        page.reload()
    assert asked_again == []
    context.close()


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_quick_exit_leaves_the_result_without_being_asked(
    chromium, live_server, tmp_path, language
):
    context, page, _ = _result(chromium, live_server, tmp_path, language)
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    with page.expect_navigation():
        page.keyboard.press("Escape")
    assert page.url.startswith(("https://www.bbc.com/", "https://www.eltiempo.es/"))
    assert asked == []
    context.close()


@pytest.mark.parametrize("language", ["en", "es"])
def test_on_a_phone_the_case_number_and_pin_each_stay_on_one_line(
    chromium, live_server, tmp_path, language
):
    viewport = {"width": 390, "height": 844}
    context, page, _ = _result(chromium, live_server, tmp_path, language, viewport=viewport)
    lines = page.evaluate(
        """() => ['result-number', 'result-pin'].map((id) => {
          const range = document.createRange();
          range.selectNodeContents(document.getElementById(id));
          const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
          return tops.size;
        })"""
    )
    assert lines == [1, 1]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()

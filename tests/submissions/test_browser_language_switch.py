"""Changing the language on the submission page keeps the chosen files: in a real Chromium, under
the bank's own CSP, the switch changes the page's words in place (no navigation), the files and
their fingerprints stay in the page's memory and are sent, in the new language, and nothing is
stored on the device. Without JavaScript the switch reloads the page, as before."""

from __future__ import annotations

import pytest

from hashbank.cases import pins
from hashbank.cases.models import Case, CaseSignal
from tests.fixtures.browser import serious_violations
from tests.submissions import browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("signing_key"),
]

WORDS = {
    "en": {
        "title": "Create a case · hashbank",
        "h1": "Create a case",
        "files_step": "Step 2 of 4: choose files",
        "review_step": "Step 3 of 4: check and confirm",
        "count": "3 files selected, 3 ready.",
        "done": "Ready: exact and similarity fingerprints",
        "partial": "Exact fingerprint only",
        "md5": "Exact fingerprint (MD5)",
        "remove": "Remove holiday.jpg",
        "skip": "Skip to main content",
    },
    "es": {
        "title": "Crear un caso · hashbank",
        "h1": "Crear un caso",
        "files_step": "Paso 2 de 4: elegir archivos",
        "review_step": "Paso 3 de 4: comprobar y confirmar",
        "count": "3 archivos seleccionados; listos: 3.",
        "done": "Listo: huellas digitales exacta y de similitud",
        "partial": "Solo huella digital exacta",
        "md5": "Huella digital exacta (MD5)",
        "remove": "Quitar holiday.jpg",
        "skip": "Saltar al contenido principal",
    },
}
OTHER = {"en": "es", "es": "en"}


def _open(context, live_server, language):
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/submit/")
    return page


def _switch(page, language):
    page.select_option("#language-select", language)
    page.click("form.language button[type=submit]")
    # <html lang> is set after the words are copied and before the file list is rendered again,
    # in the same task: once it reads the new language, the whole page does.
    page.wait_for_function("lang => document.documentElement.lang === lang", arg=language)


def _assert_in(page, language, step):
    words = WORDS[language]
    assert page.title() == words["title"]
    assert page.text_content("h1") == words["h1"]
    assert page.text_content(".skip-link") == words["skip"]
    assert page.text_content("#step-indicator") == words[step]
    assert page.locator("#file-list .file").count() == 3
    assert page.input_value("#language-select") == language


def _assert_nothing_stored(page):
    stored = page.evaluate(
        """async () => ({
            local: localStorage.length,
            session: sessionStorage.length,
            idb: (await indexedDB.databases()).length,
        })"""
    )
    assert stored == {"local": 0, "session": 0, "idb": 0}


@pytest.mark.parametrize("first", ["en", "es"])
def test_changing_language_twice_keeps_the_files_and_sends_them_in_the_new_language(
    chromium, live_server, tmp_path, first
):
    second = OTHER[first]
    context = chromium.new_context()  # the bank's CSP enforced: no inline script, no eval
    try:
        page = _open(context, live_server, first)
        refused = []
        page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else 0)
        navigations = []
        page.on(
            "framenavigated", lambda f: navigations.append(f.url) if f == page.main_frame else 0
        )
        page.evaluate("window.stillThisPage = true")
        browser.answer_eligibility(page)
        files = browser.make_files(tmp_path)
        page.set_input_files("#file-input", [str(path) for path in files])
        browser.wait_until_hashed(page, 3)

        _switch(page, second)
        _assert_in(page, second, "files_step")
        words = WORDS[second]
        assert page.text_content("#files-status") == words["count"]
        holiday = page.locator("#file-list .file", has_text="holiday.jpg")
        assert holiday.locator(".file-state").text_content() == words["done"]
        assert holiday.locator(".file-remove").get_attribute("aria-label") == words["remove"]
        clip = page.locator("#file-list .file", has_text="clip.mp4")
        assert clip.locator(".file-state").text_content() == words["partial"]

        page.click("#files-next")
        page.wait_for_selector("#step-review:not([hidden])")
        assert WORDS[second]["md5"] in page.text_content("#review-list")
        _switch(page, first)
        _assert_in(page, first, "review_step")
        review = page.text_content("#review-list")
        assert WORDS[first]["md5"] in review and WORDS[second]["md5"] not in review

        page.check("#consent-consent")
        page.click("#send")
        number, _pin = browser.read_result(page)
        assert page.evaluate("window.stillThisPage") is True
        assert navigations == []
        assert refused == []
        _assert_nothing_stored(page)
    finally:
        context.close()
    case = Case.objects.get(number=pins.normalize_case_number(number))
    held = {
        (row.signal.signal_type, row.signal.value) for row in CaseSignal.objects.filter(case=case)
    }
    assert {("md5", browser.md5_of(path)) for path in files} <= held


@pytest.mark.parametrize("first", ["en", "es"])
def test_the_switched_page_has_no_serious_accessibility_violation(
    axe_context, live_server, tmp_path, first
):
    page = _open(axe_context, live_server, first)
    browser.answer_eligibility(page)
    page.set_input_files("#file-input", [str(path) for path in browser.make_files(tmp_path)])
    browser.wait_until_hashed(page, 3)
    _switch(page, OTHER[first])
    _assert_in(page, OTHER[first], "files_step")
    assert serious_violations(page) == []


def test_without_javascript_the_switch_reloads_the_page_in_the_other_language(
    chromium, live_server
):
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = _open(context, live_server, "en")
        page.select_option("#language-select", "es")
        with page.expect_navigation():
            page.click("form.language button[type=submit]")
        assert page.url == f"{live_server.url}/submit/"
        assert page.get_attribute("html", "lang") == "es"
        assert page.title() == WORDS["es"]["title"]
    finally:
        context.close()


def test_when_the_network_fails_the_switch_keeps_the_files_and_says_to_try_again(
    chromium, live_server, tmp_path
):
    context = chromium.new_context()
    try:
        page = _open(context, live_server, "es")
        browser.answer_eligibility(page)
        page.set_input_files("#file-input", [str(path) for path in browser.make_files(tmp_path)])
        browser.wait_until_hashed(page, 3)
        # A connection that drops: the request to change the language never arrives.
        page.route("**/i18n/setlang/", lambda route: route.abort("internetdisconnected"))
        page.select_option("#language-select", "en")
        page.click("form.language button[type=submit]")
        page.wait_for_selector("#language-note:not([hidden])")
        assert page.text_content("#language-note") == (
            "No se ha podido cambiar el idioma en este momento. Sus archivos siguen aquí. "
            "Vuelva a intentarlo."
        )
        assert page.get_attribute("html", "lang") == "es"
        assert page.locator("#file-list .file").count() == 3
        page.unroute("**/i18n/setlang/")
        _switch(page, "en")
        assert page.is_hidden("#language-note")
        _assert_in(page, "en", "files_step")
    finally:
        context.close()


def test_the_case_number_and_pin_stay_on_screen_and_are_saved_in_the_new_language(
    chromium, live_server, tmp_path
):
    context = chromium.new_context()
    try:
        page = _open(context, live_server, "en")
        page.evaluate("window.stillThisPage = true")
        browser.answer_eligibility(page)
        page.set_input_files("#file-input", [str(browser.make_files(tmp_path)[0])])
        browser.wait_until_hashed(page, 1)
        page.click("#files-next")
        page.check("#consent-consent")
        page.click("#send")
        number, pin = browser.read_result(page)
        _switch(page, "es")
        assert page.evaluate("window.stillThisPage") is True  # no reload: nothing was lost
        assert (page.text_content("#result-number"), page.text_content("#result-pin")) == (
            number,
            pin,
        )
        assert page.text_content("#step-indicator") == "Paso 4 de 4: su caso"
        with page.expect_download() as download:
            page.click("#save-file")
        assert download.value.suggested_filename == "notas.txt"
        saved = open(download.value.path(), encoding="utf-8").read()
        assert saved.startswith(f"Número de caso: {number}\nPIN: {pin}\n")
    finally:
        context.close()

"""Honest file states on the submission page, in a real Chromium, in English and Spanish: a full
success and an MD5-only file are marked differently and say why; a file that is not a photo or
video says so and can be removed from its note; previews are blurred until tapped; a HEIC photo
gets its similarity fingerprint; plurals, the consent error and every wait are the page's own
words (changing language with files chosen: test_browser_language_switch.py)."""

from __future__ import annotations

import re

import numpy as np
import pillow_heif
import pytest
from PIL import Image

from tests.fixtures.browser import serious_violations
from tests.hasher.corpus import photo
from tests.submissions import browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("signing_key"),
]

TEXT = {
    "en": {
        "done": "Ready: exact and similarity fingerprints",
        "partial": "Exact fingerprint only",
        "not_media": "This does not look like a photo or video.",
        "remove": "Remove this file",
        "count_one": "1 file selected, 1 ready.",
        "count": "5 files selected, 5 ready.",
        "consent": "Please confirm each statement before sending.",
        "wait": r"Too many attempts from this device\. .* You can try again in \d+ minutes?\.",
        "total": re.compile(r"^\d+ fingerprints will be sent\."),
    },
    "es": {
        "done": "Listo: huellas digitales exacta y de similitud",
        "partial": "Solo huella digital exacta",
        "not_media": "Esto no parece una foto ni un vídeo.",
        "remove": "Quitar este archivo",
        "count_one": "1 archivo seleccionado; listos: 1.",
        "count": "5 archivos seleccionados; listos: 5.",
        "consent": "Confirme cada afirmación antes de enviar.",
        "wait": r"Puede volver a intentarlo dentro de \d+ minutos?\.",
        "total": re.compile(r"^Se enviarán \d+ huellas digitales\."),
    },
}


def _files(tmp_path):
    pillow_heif.register_heif_opener()
    Image.fromarray(photo(640, 480, 21)).save(tmp_path / "IMG_0001.HEIC", format="HEIF")
    Image.fromarray(np.full((200, 200, 3), 120, np.uint8)).save(tmp_path / "flat.png")
    Image.fromarray(photo(320, 240, 22)).save(tmp_path / "beach.jpg", quality=90)
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40)
    (tmp_path / "clip.mp4").write_bytes(np.random.default_rng(3).bytes(50_000))
    names = ["IMG_0001.HEIC", "flat.png", "beach.jpg", "notes.pdf", "clip.mp4"]
    return [tmp_path / name for name in names]


def _item(page, name):
    return page.locator("#file-list .file", has_text=name)


def _page(chromium, live_server, language):
    context = chromium.new_context(locale=language)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    return context, context.new_page()


@pytest.mark.parametrize("language", ["en", "es"])
def test_each_file_says_what_it_got_and_previews_are_blurred_until_tapped(
    axe_page, live_server, tmp_path, language
):
    words = TEXT[language]
    page = axe_page
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/submit/")
    browser.answer_eligibility(page)
    files = _files(tmp_path)
    page.set_input_files("#file-input", [str(files[2])])
    browser.wait_until_hashed(page, 1)
    assert page.text_content("#files-status") == words["count_one"]
    page.set_input_files("#file-input", [str(p) for p in files[:2] + files[3:]])
    browser.wait_until_hashed(page, 5)
    assert page.text_content("#files-status") == words["count"]

    states = {
        name: _item(page, name).get_attribute("data-state")
        for name in ("IMG_0001.HEIC", "flat.png", "beach.jpg", "notes.pdf", "clip.mp4")
    }
    assert states == {
        "IMG_0001.HEIC": "done",  # libheif in the worker: a similarity fingerprint too
        "flat.png": "partial",  # too little detail
        "beach.jpg": "done",
        "notes.pdf": "partial",
        "clip.mp4": "partial",
    }
    assert _item(page, "beach.jpg").locator(".file-state").text_content() == words["done"]
    assert _item(page, "flat.png").locator(".file-state").text_content() == words["partial"]
    # A file the browser calls a video is not told it is not one; a PDF is.
    assert words["not_media"] not in _item(page, "clip.mp4").text_content()
    pdf = _item(page, "notes.pdf")
    assert pdf.get_attribute("data-kind") == "not-media"
    assert words["not_media"] in pdf.locator(".file-notes").text_content()

    # Blurred until tapped, and blurred again on a second tap.
    toggle = _item(page, "beach.jpg").locator(".preview-toggle")
    blur = "el => getComputedStyle(el.querySelector('.preview')).filter"
    assert toggle.get_attribute("aria-pressed") == "false"
    assert toggle.evaluate(blur).startswith("blur(")
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert toggle.evaluate(blur) == "none"
    toggle.click()
    assert toggle.evaluate(blur).startswith("blur(")
    assert page.is_visible("#files-blurred")

    found = serious_violations(page)
    pdf.get_by_role("button", name=words["remove"]).click()
    page.wait_for_function("() => document.querySelectorAll('#file-list .file').length === 4")
    page.click("#files-next")
    assert words["total"].match(page.text_content("#review-total"))
    assert found == []


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_consent_error_and_the_wait_are_the_pages_own_words(
    chromium, live_server, tmp_path, settings, language
):
    settings.HASHBANK_SUBMISSIONS_PER_HOUR = 1
    words = TEXT[language]
    context, page = _page(chromium, live_server, language)
    try:
        files = _files(tmp_path)
        browser.submit_files(page, live_server.url, [files[2]])
        page.goto(f"{live_server.url}/submit/")
        browser.answer_eligibility(page)
        page.set_input_files("#file-input", [str(files[2])])
        browser.wait_until_hashed(page, 1)
        page.click("#files-next")
        page.click("#send")  # nothing ticked: our message, not the browser's bubble
        assert page.text_content("#submit-error") == words["consent"]
        page.check("#consent-consent")
        page.click("#send")
        page.wait_for_function(
            "() => /\\d/.test(document.getElementById('submit-error').textContent)",
            timeout=browser.TIMEOUT,
        )
        assert re.search(words["wait"], page.text_content("#submit-error")), page.text_content(
            "#submit-error"
        )
    finally:
        context.close()

"""Eligibility asks the right questions, in a real Chromium, in English and Spanish: under 18 in
any of the images goes to Take It Down with a kind explanation; others may be in the images; the
API's attestations keep their names."""

from __future__ import annotations

import pytest

from hashbank.cases.models import Case
from tests.submissions import browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("signing_key"),
]

QUESTIONS = {
    "en": (
        "Were you 18 or older in all of these images?",
        "Are you in these images (others may be too)?",
    ),
    "es": (
        "¿Tenía 18 años o más en todas estas imágenes?",
        "¿Aparece usted en estas imágenes (puede que también aparezcan otras personas)?",
    ),
}
KIND = {"en": "You have done nothing wrong", "es": "No ha hecho nada malo"}


def _submit_page(chromium, live_server, language):
    context = chromium.new_context(locale=language)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/submit/")
    return context, page


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_questions_ask_about_every_image_and_allow_others_in_them(
    chromium, live_server, language
):
    context, page = _submit_page(chromium, live_server, language)
    legends = page.locator("#eligibility-form legend").all_inner_texts()
    assert legends == list(QUESTIONS[language])
    context.close()


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("depicted", [None, "yes", "no"])
def test_under_18_in_any_image_goes_to_take_it_down_with_a_kind_word_whatever_else_is_answered(
    chromium, live_server, language, depicted
):
    context, page = _submit_page(chromium, live_server, language)
    page.check("#adult-no")
    if depicted:
        page.check(f"#depicted-{depicted}")
    page.click("#eligibility-form button[type=submit]")
    panel = page.locator("#under-18")
    panel.wait_for(state="visible")
    assert page.evaluate("document.activeElement.id") == "under-18"
    assert KIND[language] in panel.inner_text()
    links = panel.locator("a[href='https://takeitdown.ncmec.org/']")
    assert links.count() == 2  # in the text and as the button
    assert not page.is_visible("#eligibility-error")
    assert not page.is_visible("#not-depicted")
    assert not page.is_visible("#step-files")
    context.close()


@pytest.mark.parametrize("language", ["en", "es"])
def test_someone_not_in_the_images_is_told_who_can_help_with_the_helpline(
    chromium, live_server, language
):
    context, page = _submit_page(chromium, live_server, language)
    page.check("#adult-yes")
    page.check("#depicted-no")
    page.click("#eligibility-form button[type=submit]")
    page.locator("#not-depicted").wait_for(state="visible")
    assert "The hashbank helpline" in page.inner_text("#not-depicted")
    assert not page.is_visible("#step-files")
    context.close()


@pytest.mark.parametrize("language", ["en", "es"])
def test_yes_to_both_sends_the_same_attestations_as_before(
    chromium, live_server, tmp_path, language
):
    context, page = _submit_page(chromium, live_server, language)
    files = browser.make_files(tmp_path)[:1]
    number, _ = browser.submit_files(page, live_server.url, files)  # answers Yes and Yes
    case = Case.objects.get()
    assert case.attestations == {
        "adult": True,
        "depicted": True,
        "consent": True,
        "language": language,
    }
    assert case.number == number.replace("-", "")
    context.close()

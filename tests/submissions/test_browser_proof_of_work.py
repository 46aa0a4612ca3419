"""The proof of work in a real headless Chromium (issue 17): past the free submissions the API
answers pow_required, the page solves the challenge in its Web Worker, says so, and the same
fingerprints are sent again with the proof and saved."""

from __future__ import annotations

import json

import pytest

from hashbank.cases import pins
from hashbank.cases.models import Case
from tests.submissions import browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("signing_key"),
]

WATCH_STATUS = """() => {
  window.powTexts = [];
  const status = document.getElementById("pow-status");
  new MutationObserver(() => window.powTexts.push(status.textContent)).observe(
    status, { childList: true, characterData: true, subtree: true });
}"""


def test_a_submission_past_the_free_ones_is_solved_in_the_page_and_saved(
    page, live_server, tmp_path, settings
):
    settings.HASHBANK_POW_FREE_PER_DAY = 0  # this browser's first submission already needs one
    settings.HASHBANK_POW_BASE_BITS = 12
    files = browser.make_files(tmp_path)[:1]
    answers = []
    page.on(
        "response",
        lambda r: answers.append((r.status, r.request.post_data)) if "/api/v1/sub" in r.url else 0,
    )
    page.goto(f"{live_server.url}/submit/")
    page.evaluate(WATCH_STATUS)
    browser.answer_eligibility(page)
    page.set_input_files("#file-input", [str(path) for path in files])
    browser.wait_until_hashed(page, len(files))
    page.click("#files-next")
    page.check("#consent-consent")
    page.click("#send")
    number, _pin = browser.read_result(page)

    assert Case.objects.filter(number=pins.normalize_case_number(number)).exists()
    assert [status for status, _ in answers] == [428, 201]
    first, second = (json.loads(body) for _, body in answers)
    assert "proof" not in first and first["hashes"] == second["hashes"]
    assert set(second["proof"]) == {"challenge", "nonce"}
    assert any("short calculation" in text for text in page.evaluate("window.powTexts"))

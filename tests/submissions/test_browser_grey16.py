"""A 16-bit grey PNG in the submission page: the PDQ that stock python-threatexchange computes for
it (samples clipped at 255) is sent too, as the offline hasher writes it."""

from __future__ import annotations

import pytest

from hashbank.hasher.hashing import hash_path
from tests.hasher.corpus import builders
from tests.submissions import browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("signing_key"),
]


def _reviewed_hashes(page, live_server, path) -> list[str]:
    page.goto(f"{live_server.url}/submit/")
    browser.answer_eligibility(page)
    page.set_input_files("#file-input", str(path))
    browser.wait_until_hashed(page, 1)
    page.click("#files-next")
    return [code.text_content() for code in page.locator("#review-list li code").all()]


def test_both_pdqs_of_a_16_bit_grey_png_are_sent(page, live_server, tmp_path):
    path = tmp_path / "scan.png"
    builders()["deep-300x200-grey16-two-ranges.png"](path)
    entry = hash_path(path)

    sent = _reviewed_hashes(page, live_server, path)

    assert sent == [entry["md5"], entry["pdq"], entry["pdq_clipped"]]


def test_a_16_bit_grey_png_dark_in_its_high_byte_sends_the_clipped_pdq_without_a_warning(
    page, live_server, tmp_path
):
    path = tmp_path / "scan.png"
    builders()["deep-300x200-grey16-low-byte.png"](path)
    entry = hash_path(path)
    assert entry["quality"] < 50 <= entry["quality_clipped"]

    sent = _reviewed_hashes(page, live_server, path)

    assert sent == [entry["md5"], entry["pdq_clipped"]]
    assert "too little detail" not in page.text_content("#file-list")

"""Page behaviours in a real Chromium: drag and drop, the quick exit, and the no-JavaScript path."""

from __future__ import annotations

import hashlib
import json

import pytest

from hashbank.cases.models import Case
from tests.submissions import browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("signing_key"),
]

DROP_A_FILE = """async () => {
  const canvas = new OffscreenCanvas(120, 80);
  const g = canvas.getContext('2d');
  for (let i = 0; i < 400; i++) {
    g.fillStyle = `hsl(${(i * 37) % 360} 70% ${20 + (i * 13) % 60}%)`;
    g.fillRect((i * 29) % 120, (i * 17) % 80, 9, 7);
  }
  const blob = await canvas.convertToBlob({type: 'image/png'});
  const data = new DataTransfer();
  data.items.add(new File([blob], 'dropped.png', {type: 'image/png'}));
  const zone = document.getElementById('dropzone');
  zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: data, bubbles: true, cancelable: true}));
  zone.dispatchEvent(new DragEvent('drop', {dataTransfer: data, bubbles: true, cancelable: true}));
}"""


def test_files_dropped_on_the_drop_zone_are_previewed_locally_and_hashed(page, live_server):
    page.goto(f"{live_server.url}/submit/")
    browser.answer_eligibility(page)
    page.evaluate(DROP_A_FILE)
    browser.wait_until_hashed(page, 1)
    preview = page.get_attribute("#file-list img.preview", "src")
    assert preview.startswith("blob:")  # an object URL: the image is shown without any upload
    assert "dropped.png" in page.text_content("#file-list")
    page.click("#files-next")
    assert page.locator("#review-list li").count() == 2  # its MD5 and its PDQ


def test_the_quick_exit_leaves_at_once_and_replaces_the_page_in_history(page, live_server):
    page.context.route(  # the new tab the quick exit opens is answered here too
        "https://www.bbc.com/**",
        lambda route: route.fulfill(body="<p>Weather</p>", content_type="text/html"),
    )
    page.goto(f"{live_server.url}/")
    page.goto(f"{live_server.url}/submit/")
    with page.expect_navigation():
        page.click("[data-quick-exit]")
    assert page.url.startswith("https://www.bbc.com/")
    page.go_back()
    # Back goes to the page before the one that was left, not to it.
    assert page.url == f"{live_server.url}/"


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "Your case has been created"), ("es", "Su caso se ha creado")]
)
def test_without_javascript_the_offline_hashers_text_is_pasted_and_creates_a_case(
    chromium, live_server, tmp_path, capsys, language, heading, settings
):
    from hashbank.hasher.cli import main as offline_hasher

    wheel = tmp_path / "dist" / "hashbank_hasher-1.0.0-py3-none-any.whl"
    wheel.parent.mkdir()
    wheel.write_bytes(b"PK\x03\x04 a wheel")
    settings.HASHBANK_HASHER_DIST_DIR = str(wheel.parent)

    files = browser.make_files(tmp_path)
    out = tmp_path / "hashes.json"
    assert offline_hasher([*map(str, files), "-o", str(out)]) == 0
    printed = capsys.readouterr().out.strip()
    assert len(json.loads(printed)["files"]) == 3
    context = chromium.new_context(java_script_enabled=False, locale=language)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/submit/")
        main = page.inner_text("main")
        assert f"pipx install ./{wheel.name}" in main
        assert hashlib.sha256(wheel.read_bytes()).hexdigest() in main
        assert page.get_attribute("noscript a[download]", "href") == f"/offline-hasher/{wheel.name}"
        assert not page.is_visible("#flow")
        # The only file picker is the JavaScript hasher's, hidden with it; nothing to upload.
        assert page.locator("noscript input[type=file], form input[type=file]").count() == 0
        page.fill("#offline-hashes", printed)
        for name in ("adult", "depicted", "consent"):
            page.check(f"#offline-{name}")
        with page.expect_navigation():
            page.click("form[action='/submit/offline/'] button[type=submit]")
        assert page.text_content("h1").strip() == heading
        number = page.text_content("#result-number").strip()
        assert Case.objects.filter(number=number.replace("-", "")).exists()
    finally:
        context.close()


def test_the_language_switcher_works_in_a_browser_and_keeps_the_page(page, live_server):
    page.goto(f"{live_server.url}/status/")
    page.select_option("#language-select", "es")
    with page.expect_navigation():
        page.click(".language button[type=submit]")
    assert page.url == f"{live_server.url}/status/"
    assert page.get_attribute("html", "lang") == "es"
    assert page.text_content("h1").strip() == "Consultar o retirar un caso"
    names = {cookie["name"] for cookie in page.context.cookies()}
    assert names <= {"csrftoken", "django_language"}


def test_a_low_quality_image_is_flagged_and_only_its_md5_is_sent(page, live_server, tmp_path):
    from PIL import Image

    flat = tmp_path / "flat.png"
    Image.new("RGB", (300, 200), (40, 90, 160)).save(flat)  # one colour: PDQ quality 0
    page.goto(f"{live_server.url}/submit/")
    browser.answer_eligibility(page)
    page.set_input_files("#file-input", str(flat))
    browser.wait_until_hashed(page, 1)
    assert "too little detail" in page.text_content("#file-list .file-notes")
    page.click("#files-next")
    review = page.locator("#review-list li")
    assert review.count() == 1
    assert "MD5" in review.first.text_content()

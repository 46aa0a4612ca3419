"""Assisted submission in headless Chromium: the console hashes files in the browser with the
victim flow's hasher and creates a staff-assisted case from the fingerprints alone."""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.fixtures.staff import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TIMEOUT = 30_000


def test_caseworker_creates_a_staff_assisted_case(
    chromium, live_server, signing_key, tmp_path, make_staff
):
    from hashbank.cases.models import Case

    rng = np.random.default_rng(5)
    y, x = np.mgrid[0:300, 0:400]
    pixels = np.stack([x / 400 * 255, y / 300 * 255, (x * y) % 255], axis=-1)
    noisy = np.clip(pixels + rng.normal(0, 20, pixels.shape), 0, 255).astype(np.uint8)
    image = tmp_path / "photo.png"
    Image.fromarray(noisy).save(image)

    client = signed_in(make_staff("caseworker", username="cora"))
    context = chromium.new_context()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    uploads: list[str] = []
    page.on("request", lambda r: uploads.append(r.post_data or "") if r.method == "POST" else None)
    try:
        page.goto(f"{live_server.url}/staff/cases/new/")
        for box in ("#att-adult", "#att-depicted", "#att-consent"):
            page.check(box)
        page.set_input_files("#assisted-files", str(image))
        expect(page.locator("#assisted-progress")).to_contain_text("ready", timeout=TIMEOUT)
        page.click("#assisted-submit")
        page.wait_for_selector("#assisted-result:not([hidden])")
        number = page.text_content("#result-number").strip()
        pin = page.text_content("#result-pin").strip()
    finally:
        context.close()

    assert re.fullmatch(r"HB-[0-9A-Z]{4}-[0-9A-Z]{4}", number)
    assert re.fullmatch(r"\d{4}-\d{4}-\d{4}", pin)
    case = Case.objects.get(number=number.replace("-", ""))
    assert case.staff_assisted
    values = {cs.signal.signal_type: cs.signal.value for cs in case.case_signals.all()}
    assert values["md5"] == hashlib.md5(image.read_bytes()).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", values["pdq"])
    # Only fingerprints left the page: one small JSON body, no image bytes.
    assert len(uploads) == 1 and len(uploads[0]) < 2000 and values["md5"] in uploads[0]

"""The whole victim flow in a real headless Chromium: hash on the device, submit, status, withdraw."""

from __future__ import annotations

import pytest

from hashbank.cases import pins
from hashbank.cases.models import Case, CaseSignal
from tests.submissions import browser
from tests.submissions.ledger_check import ledger_events_for

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("signing_key"),
]


@pytest.mark.usefixtures("no_cooling_off")
def test_the_whole_flow_from_picking_files_to_a_withdrawal_reaching_the_ledger(
    page, live_server, tmp_path
):
    files = browser.make_files(tmp_path)
    number, pin = browser.submit_files(page, live_server.url, files)

    case = Case.objects.get(number=pins.normalize_case_number(number))
    held = {
        (row.signal.signal_type, row.signal.value) for row in CaseSignal.objects.filter(case=case)
    }
    assert {("md5", browser.md5_of(path)) for path in files} <= held
    assert len([kind for kind, _ in held if kind == "pdq"]) == 2  # the two images; not the video
    # The person can save the case number and PIN: a text file made in the page.
    with page.expect_download() as download:
        page.click("#save-file")
    saved = open(download.value.path(), encoding="utf-8").read()
    assert number in saved and pin in saved

    page.goto(f"{live_server.url}/status/")
    page.fill("#case-number", number)
    page.fill("#pin", pin)
    with page.expect_navigation():
        page.click("form.narrow button[type=submit]")
    # One row per file (its MD5 and PDQs together), each with an opaque id, never the name.
    rows = page.locator("tr[data-item-id]")
    assert rows.count() == len(files)
    assert page.locator("li[data-hash-id]").count() == len(held)
    assert not any(path.name in page.content() for path in files)
    first_item = rows.first.get_attribute("data-item-id")
    first_ids = [
        int(pk)
        for pk in rows.first.locator("li[data-hash-id]").evaluate_all(
            "items => items.map(li => li.dataset.hashId)"
        )
    ]
    with page.expect_navigation():
        rows.first.locator("button").click()
    assert page.locator("#what-stops").is_visible()
    with page.expect_navigation():
        page.click(".confirm-withdrawal button")
    assert page.get_attribute(f'tr[data-item-id="{first_item}"]', "data-status") == "withdrawn"
    assert page.locator('tr[data-status="withdrawn"]').count() == 1

    for withdrawn in CaseSignal.objects.select_related("signal").filter(pk__in=first_ids):
        assert withdrawn.status == "withdrawn"
        # Members are told only "removed"; the withdrawal stays with the bank (issue 17).
        assert ledger_events_for(withdrawn.signal) == [("add", ""), ("remove", "removed")]
        assert withdrawn.signal.removal_reason == "withdrawn"


def test_no_image_byte_leaves_the_page(page, live_server, tmp_path):
    files = browser.make_files(tmp_path)
    contents = [path.read_bytes() for path in files]
    sent = []
    page.context.on(
        "request",
        lambda request: sent.append((request.method, request.url, request.post_data_buffer or b"")),
    )
    number, _ = browser.submit_files(page, live_server.url, files)

    assert any(url.endswith("/api/v1/submissions") for _, url, _ in sent)
    for method, url, body in sent:
        assert url.startswith((live_server.url, "blob:", "data:")), url  # nothing to another origin
        assert len(body) < 16_000, (method, url, len(body))
        for content in contents:
            for offset in range(0, len(content) - 32, max(1, len(content) // 64)):
                assert content[offset : offset + 32] not in body, (url, offset)
    # Not even the file names are sent.
    for _, _, body in sent:
        assert not any(path.name.encode() in body for path in files)

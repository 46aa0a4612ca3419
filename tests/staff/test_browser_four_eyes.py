"""In Chromium: four eyes on removals. One reviewer's uphold is an approval; a second reviewer
decides, and only then does the hash leave the case. A caseworker withdraws every hash of a case
with one confirmation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.fixtures.staff import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TIMEOUT = 30_000


def console_page(chromium, live_server, user):
    """A browser tab signed in as `user` (password and second factor passed: session cookie)."""
    client = signed_in(user)
    context = chromium.new_context()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    return context, page


def uphold(page, live_server, dispute_pk: int, button: str) -> None:
    page.goto(f"{live_server.url}/staff/review/{dispute_pk}/")
    page.get_by_label("Reason code").select_option("false_positive")
    page.get_by_label("Reason the member will read").first.fill("A different image.")
    page.get_by_role("button", name=button).click()
    page.wait_for_url(re.compile(r"/staff/review/$"))


def test_a_removal_needs_a_second_reviewer(chromium, live_server, world, make_staff):
    row = world.case_signal("pdq")
    rita = make_staff("dispute reviewer", username="rita")
    remy = make_staff("dispute reviewer", username="remy")

    context, page = console_page(chromium, live_server, rita)
    try:
        uphold(page, live_server, world.dispute.pk, "Approve upholding (1 of 2)")
        expect(page.locator(".messages")).to_contain_text("A second reviewer must uphold it too")
        page.goto(f"{live_server.url}/staff/review/{world.dispute.pk}/")
        expect(page.locator("main")).to_contain_text("A different reviewer makes the decision.")
        expect(page.get_by_role("button", name=re.compile("Uphold|Approve"))).to_have_count(0)
    finally:
        context.close()
    row.refresh_from_db()
    assert row.status == "active"

    context, page = console_page(chromium, live_server, remy)
    try:
        page.goto(f"{live_server.url}/staff/review/{world.dispute.pk}/")
        expect(page.locator("main")).to_contain_text("1 of 2 reviewers needed")
        uphold(page, live_server, world.dispute.pk, "Uphold and remove the signal")
        expect(page.locator(".messages")).to_contain_text("upheld")
    finally:
        context.close()
    row.refresh_from_db()
    world.dispute.refresh_from_db()
    assert world.dispute.status == "upheld" and row.status == "removed"


def test_withdraw_all_asks_once_and_withdraws_every_hash(chromium, live_server, world, make_staff):
    context, page = console_page(chromium, live_server, make_staff("caseworker"))
    dialogs: list[str] = []

    def accept(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    try:
        page.goto(f"{live_server.url}/staff/cases/{world.case.pk}/")
        page.get_by_label("Reason for withdrawing every hash").fill("asked on the phone")
        page.get_by_role("button", name="Withdraw all").click()
        expect(page.locator(".messages")).to_contain_text("Every hash is withdrawn")
    finally:
        context.close()
    assert len(dialogs) == 1 and "Withdraw every hash of this case for good?" in dialogs[0]
    assert set(world.case.case_signals.values_list("status", flat=True)) == {"withdrawn"}

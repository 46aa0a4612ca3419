"""End to end in headless Chromium: a reviewer signs in with TOTP (by keyboard), upholds a
dispute, and the removal reaches the ledger and the member's next pull."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from hashbank.staff import otp
from tests.fixtures.staff import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TIMEOUT = 30_000


def _removal_leaf(signal) -> tuple[int, bytes]:
    """The sealed `remove` entry for a signal: its sequence number and leaf bytes."""
    from hashbank.ledger import selectors, services
    from hashbank.ledger.models import Entry

    services.seal()
    seq = Entry.objects.filter(signal=signal, kind=Entry.REMOVE).values_list("seq", flat=True).get()
    (entry,) = list(selectors.entries(seq, seq + 1))
    return seq, bytes(entry.leaf)


def test_reviewer_upholds_a_dispute_and_the_member_pulls_the_removal(
    page, live_server, world, make_staff, settings
):
    settings.HASHBANK_DISPUTE_REVIEWERS = 1  # a small helpline: one reviewer decides
    from hashbank.ledger import selectors as ledger

    signal = world.dispute.signal
    size_before = ledger.latest_checkpoint().size
    reviewer = make_staff("dispute reviewer", username="rita", password=PASSWORD)
    device = TOTPDevice.objects.get(user=reviewer)

    # Sign in with the keyboard only: the username field has focus, Tab moves, Enter submits.
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{live_server.url}/staff/review/")
    assert "/staff/login/" in page.url
    # Chromium applies autofocus at a later rendering step than "load": wait for it, or
    # the first keystrokes go to the page body.
    expect(page.locator("#id_username")).to_be_focused()
    page.keyboard.type("rita")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/staff/login/verify/$"))
    expect(page.locator("#id_code")).to_be_focused()
    page.keyboard.type(otp.current_code(device))  # as the phone would show it now
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/staff/review/$"))

    page.get_by_role("link", name=f"Dispute {world.dispute.pk}").click()
    page.get_by_label("Reason code").select_option("false_positive")
    page.get_by_label("Reason the member will read").first.fill("The image is a different one.")
    page.get_by_role("button", name="Uphold and remove the signal").click()
    page.wait_for_url(re.compile(r"/staff/review/$"))
    assert "upheld" in page.text_content(".messages")
    assert f"Dispute {world.dispute.pk}" not in page.text_content("main table")

    world.dispute.refresh_from_db()
    assert world.dispute.status == "upheld" and world.dispute.reviewer_id == reviewer.pk
    seq, leaf = _removal_leaf(signal)
    checkpoint = ledger.latest_checkpoint()
    assert size_before <= seq < checkpoint.size

    # The member's next pull (from where it was) carries the removal.
    response = Client().get(
        f"/api/v1/entries?from={size_before}&size={checkpoint.size}",
        HTTP_AUTHORIZATION=f"Bearer {world.token}",
    )
    assert response.status_code == 200
    assert leaf in response.content

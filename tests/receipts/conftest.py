"""A member with a registered receipt key, and receipts over the bank's checkpoints."""

from __future__ import annotations

import time

import pytest

from member_portal.feed import cosignature, note


@pytest.fixture
def receipt_key(api):
    """A receipt key registered for `member` through the API: its Cosigner."""
    key = cosignature.Cosigner.generate("receipts.platform.example/hashbank")
    response = api.post(
        "/api/v1/receipt-keys", {"vkey": str(key.verifier)}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return key


def sign_receipt(checkpoint_note: str, key: cosignature.Cosigner, at: int | None = None) -> str:
    text, _ = note.split(checkpoint_note)
    return cosignature.append(checkpoint_note, key.cosign(text, at or int(time.time())))


def pull(api, size: int) -> None:
    """Pull the entries up to the checkpoint of `size` (what a receipt must follow)."""
    response = api.get(f"/api/v1/entries?from=0&size={size}")
    assert response.status_code == 200, response.content


def post(api, receipt: str):
    return api.post("/api/v1/receipts", {"receipt": receipt}, content_type="application/json")

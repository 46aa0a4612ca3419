from __future__ import annotations

import secrets

import pytest

from hashbank.ledger import roots


@pytest.fixture
def ledger_keys(settings, tmp_path):
    """A signing key in a temporary key directory and the first root document."""

    settings.HASHBANK_KEY_DIR = tmp_path / "keys"
    settings.HASHBANK_SIGNING_KEYS = ""
    roots.init_keys()
    return settings.HASHBANK_KEY_DIR


def random_pdq() -> str:
    return secrets.token_hex(32)


def hold_many(n: int) -> list:
    from hashbank.signals import services

    return [services.hold(signal_type="pdq", value=random_pdq(), quality=80) for _ in range(n)]

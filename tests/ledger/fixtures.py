"""Fixtures for the sealing, crash-safety, rotation and audit tests (imported by those modules, so
they do not depend on what conftest.py holds): keys in tmp_path and a helper that publishes."""

from __future__ import annotations

import os

import pytest

from hashbank.ledger import roots, services
from hashbank.signals import services as signals


@pytest.fixture
def keys(settings, tmp_path):
    """A first signing key (a file in tmp_path) and root document version 1."""
    settings.HASHBANK_KEY_DIR = tmp_path / "keys"
    settings.HASHBANK_SIGNING_KEYS = ""
    roots.init_keys()
    return settings.HASHBANK_KEY_DIR


def random_pdq() -> str:
    return os.urandom(32).hex()


@pytest.fixture
def publish(keys):
    """publish(n) holds n new random PDQ signals and (unless seal=False) seals; returns them."""

    def _publish(n: int = 1, *, seal: bool = True):
        held = [signals.hold(signal_type="pdq", value=random_pdq(), quality=90) for _ in range(n)]
        if seal:
            services.seal()
        return held

    return _publish

"""Bank A is a process of its own (tests/publishing/banks.py); this test process is bank B, with
its own database and key directory, peering with A through the real `manage.py peers` command."""

from __future__ import annotations

import pytest

from tests.publishing.banks import Bank


@pytest.fixture(scope="module")
def bank_a(tmp_path_factory):
    a = Bank("a", tmp_path_factory.mktemp("bank-a"))
    try:
        a.first_start()
        a.start()
        yield a
    finally:
        a.stop()


@pytest.fixture
def bank_b(db, key_dir, settings):
    """This process as bank B: a key directory of its own (the token files and witness key)."""
    settings.HASHBANK_PEER_TIMEOUT = 10.0
    return key_dir

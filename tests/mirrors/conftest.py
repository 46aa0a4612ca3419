from __future__ import annotations

import pytest

from tests.mirrors.federation import make_pair


@pytest.fixture(scope="module")
def federation(tmp_path_factory):
    """Bank A, bank B peering with A through the proxy; B's own scheduler effectively off (the
    tests run `manage.py mirrors sync`, as an operator would)."""
    a, b, proxy = make_pair(tmp_path_factory, HASHBANK_MIRROR_INTERVAL="3600")
    try:
        yield a, b, proxy
    finally:
        proxy.close()
        b.stop()
        a.stop()

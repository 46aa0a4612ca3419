"""The embedded default: a bank served by `manage.py runserver` (tasks in-process, no beat)
mirrors its peers from a thread of its own every HASHBANK_MIRROR_INTERVAL seconds, with no
command run and no other process."""

from __future__ import annotations

from tests.fixtures.values import pdq
from tests.mirrors.federation import make_pair, origin_id, published_size, size_of, submit
from tests.publishing.banks import wait_for


def test_the_served_bank_mirrors_its_peer_by_itself(tmp_path_factory):
    a, b, proxy = make_pair(tmp_path_factory, HASHBANK_MIRROR_INTERVAL="1")
    try:
        for _ in range(2):
            submit(a, 10, pdq)
            size = published_size(a)

            def mirrored(size=size):
                response = b.get(f"/mirror/{origin_id(a)}/checkpoint")
                return response.status == 200 and size_of(response.text) == size

            wait_for(mirrored, timeout=60, what=f"B mirrors A's size {size} by itself")
    finally:
        proxy.close()
        b.stop()
        a.stop()

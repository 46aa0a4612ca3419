"""A long benign list is screened through its PDQs' chunk indexes (the multi-index of
hashbank/signals/multiindex.py): the same answers as reading the list whole."""

from __future__ import annotations

import random

import pytest

from hashbank.benign import selectors, services
from hashbank.benign.models import BenignHash
from hashbank.signals import multiindex

pytestmark = pytest.mark.django_db


def flipped(value: str, rng: random.Random, bits: int) -> str:
    number = int(value, 16)
    for bit in rng.sample(range(256), bits):
        number ^= 1 << bit
    return f"{number:064x}"


def listed(value: str, signal_type: str = "pdq") -> BenignHash:
    return services.contribute(
        signal_type=signal_type, value=value, source="staff", contributed_by="cora"
    )[0]


def test_a_long_list_is_screened_through_the_index_with_the_scans_answers() -> None:
    rng = random.Random(17)
    BenignHash.objects.bulk_create(
        [
            BenignHash(
                signal_type="pdq",
                value=value,
                source="staff",
                contributed_by="bench",
                **BenignHash.chunk_fields("pdq", value),
            )
            for value in {
                f"{rng.getrandbits(256):064x}" for _ in range(5 * selectors.LISTED_PER_LOOKUP)
            }
        ],
        batch_size=2000,
    )
    base = f"{rng.getrandbits(256):064x}"
    near = {bits: listed(flipped(base, rng, bits)) for bits in (20, 31, 32)}
    md5 = listed("ab" * 16, "md5")
    items = [
        ("pdq", base, 90),
        ("pdq", flipped(base, rng, 1), 90),
        ("md5", md5.value, None),
        ("pdq", f"{rng.getrandbits(256):064x}", 90),
        ("md5", "cd" * 16, None),
        ("pdq", near[31].value, 90),
    ]
    by_index = selectors.near_by_index(items)
    assert by_index == selectors.near_by_scan(items) == selectors.near_benign(items)
    assert {i: (hit.pk, distance) for i, (hit, distance) in by_index.items()} == {
        0: (near[20].pk, 20),
        1: (near[20].pk, by_index[1][1]),  # 19 or 21 bits
        2: (md5.pk, 0),
        5: (near[31].pk, 0),
    }
    assert by_index[1][1] in (19, 21)
    # 31 bits from a listed PDQ is held, 32 is not, whichever way.
    lone = listed(f"{rng.getrandbits(256):064x}")
    for bits, expected in ((31, {0: (lone, 31)}), (32, {})):
        probe = [("pdq", f"{int(lone.value, 16) ^ ((1 << bits) - 1):064x}", 90)]
        assert selectors.near_by_index(probe) == selectors.near_by_scan(probe) == expected


def test_a_listed_pdq_keeps_its_chunks_and_other_types_none() -> None:
    value = f"{random.getrandbits(256):064x}"
    pdq, md5 = listed(value), listed("ef" * 16, "md5")
    assert tuple(getattr(pdq, f"c{i}") for i in range(16)) == multiindex.chunks(value)
    assert all(getattr(md5, f"c{i}") is None for i in range(16))

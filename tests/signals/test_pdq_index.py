"""PDQ within a distance through the multi-index (signals.multiindex, signals.PdqChunks): the
same answers as reading every PDQ, kept by the services that create and purge signals."""

from __future__ import annotations

import random

import pytest
from django.core.management import call_command

from hashbank.cases import services as cases
from hashbank.signals import multiindex, selectors, services, storage
from hashbank.signals.models import PdqChunks, Signal
from tests.fixtures.values import ATTESTED
from tests.fixtures.values import md5 as md5_hash

# 0, 31 (the usual threshold), 32 (one past it: radius 2 on one chunk), the search's maximum
# (selectors.MAX_PDQ_DISTANCE), and the distances where the probing radii change.
DISTANCES = (0, 1, 15, 16, 17, 31, 32, 33, 47, 48, 63, selectors.MAX_PDQ_DISTANCE)


def flipped(value: str, bits: list[int]) -> str:
    number = int(value, 16)
    for bit in bits:
        number ^= 1 << bit
    return f"{number:064x}"


def spread(rng: random.Random, distance: int) -> list[int]:
    """`distance` bit positions spread as evenly as they go over the 16 chunks: the worst case
    for the pigeonhole (every chunk differs as much as any other)."""
    per_chunk = [distance // 16 + (1 if i < distance % 16 else 0) for i in range(16)]
    rng.shuffle(per_chunk)
    return [
        16 * chunk + bit for chunk, n in enumerate(per_chunk) for bit in rng.sample(range(16), n)
    ]


def near_values(rng: random.Random, base: str) -> list[str]:
    """Values at every distance from 0 to 70 of `base`, spread evenly and at random."""
    values = []
    for distance in range(1, 71):
        values.append(flipped(base, spread(rng, distance)))
        values.append(flipped(base, rng.sample(range(256), distance)))
    return values


@pytest.mark.parametrize("distance", range(0, 80))
def test_every_pdq_within_the_distance_matches_a_probe(distance) -> None:
    rng = random.Random(distance)
    base = f"{rng.getrandbits(256):064x}"
    probes = {position: set(keys) for position, keys in multiindex.plan(base, distance).items()}
    for within in range(distance + 1):
        for bits in (spread(rng, within), rng.sample(range(256), within)):
            other = multiindex.chunks(flipped(base, bits))
            assert any(other[p] in keys for p, keys in probes.items()), (within, bits)


def test_the_radii_spend_the_distance_plus_one_over_the_chunks() -> None:
    assert multiindex.radii(0) == [0] + [-1] * 15
    assert multiindex.radii(31) == [1] * 16
    assert multiindex.radii(32) == [2] + [1] * 15
    assert multiindex.probe_count(0) == 1
    assert multiindex.probe_count(31) == 16 * 17
    assert multiindex.probe_count(32) == 137 + 15 * 17
    for distance in range(0, 200):
        assert sum(r + 1 for r in multiindex.radii(distance)) == distance + 1


def test_neighbours_are_every_chunk_value_within_the_radius_once() -> None:
    for radius in range(0, 4):
        found = multiindex.neighbours(0xA5C3, radius)
        assert len(found) == len(set(found)) == multiindex.probe_count(16 * radius + 15) // 16
        assert all((0xA5C3 ^ value).bit_count() <= radius for value in found)
        assert found[0] == 0xA5C3


@pytest.mark.django_db
def test_the_index_finds_exactly_what_the_scan_finds(signing_key) -> None:
    rng = random.Random(16)
    bases = [f"{rng.getrandbits(256):064x}" for _ in range(3)]
    values = list(bases)
    for base in bases:
        values += near_values(rng, base)
    values += [f"{rng.getrandbits(256):064x}" for _ in range(300)]
    services.hold_many(items=[("pdq", value, 90) for value in dict.fromkeys(values)])
    queries = bases + [flipped(bases[0], spread(rng, 20)), f"{rng.getrandbits(256):064x}"]
    for query in queries:
        for distance in DISTANCES:
            indexed = storage.pdq_within(query, distance, 10_000)
            assert indexed == storage.pdq_within_scan(query, distance, 10_000), distance
            assert (
                selectors.signals_by_value(signal_type="pdq", value=query, distance=distance)
                == (indexed[:200])
            )
    # Non-trivial: the bases find their neighbours, and 32 finds more than 31.
    assert len(storage.pdq_within(bases[0], 31, 10_000)) == 1 + 2 * 31
    assert len(storage.pdq_within(bases[0], 32, 10_000)) == 1 + 2 * 32


@pytest.mark.django_db
def test_each_way_of_creating_a_pdq_signal_indexes_it_and_a_purge_unindexes_it(
    signing_key,
) -> None:
    one = services.get_or_create(
        signal_type="pdq", value=f"{random.getrandbits(256):064x}", quality=90
    )
    many = services.hold_many(items=[("pdq", f"{random.getrandbits(256):064x}", 90)])[0]
    md5 = services.get_or_create(signal_type="md5", value="ab" * 16)
    indexed = {row.signal_id: row.chunks for row in PdqChunks.objects.all()}
    assert indexed == {
        one.pk: multiindex.chunks(one.value),
        many.pk: multiindex.chunks(many.value),
    }
    assert md5.pk not in indexed
    Signal.objects.filter(pk=one.pk).update(state=Signal.State.REMOVED)
    services.purge_value(signal=one)
    assert not PdqChunks.objects.filter(signal_id=one.pk).exists()
    assert storage.pdq_within(many.value, 0, 10) == [(many.pk, 0)]


@pytest.mark.django_db
def test_backfill_indexes_the_signals_written_around_the_services(signing_key) -> None:
    signals = services.hold_many(
        items=[("pdq", f"{random.getrandbits(256):064x}", 90) for _ in range(25)]
    )
    PdqChunks.objects.filter(signal_id__in=[s.pk for s in signals[:10]]).delete()
    assert selectors.unindexed_pdq_count() == 10
    assert storage.pdq_within(signals[0].value, 0, 10) == []
    call_command("pdq_index", "backfill", "--batch", "7")
    assert selectors.unindexed_pdq_count() == 0
    assert storage.pdq_within(signals[0].value, 0, 10) == [(signals[0].pk, 0)]


@pytest.mark.django_db
def test_a_submission_indexes_its_new_pdqs_once(signing_key) -> None:
    value = f"{random.getrandbits(256):064x}"
    hashes = [{"type": "pdq", "value": value, "quality": 90}, md5_hash()]
    first = cases.submit_case(hashes=hashes, attestations=ATTESTED)[0]
    cases.submit_case(hashes=hashes[:1], attestations=ATTESTED)  # the same value, held again
    signal = Signal.objects.get(signal_type="pdq", value=value)
    assert list(PdqChunks.objects.values_list("signal_id", flat=True)) == [signal.pk]
    assert selectors.signals_by_value(signal_type="pdq", value=flipped(value, [3]), distance=1) == [
        (signal.pk, 1)
    ]
    assert first.pk

"""One decoder: the member client, the offline hasher and the browser give every corpus file the
same PDQ hashes (stored, as displayed, and clipped for 16-bit grey), equal to the reference."""

from __future__ import annotations

import pytest

from hashbank.hasher.format import signals_from_entries
from hashbank.hasher.hashing import hash_path
from member_portal.client.hashing import pdq_of_image
from tests.hasher.corpus import builders
from tests.hasher.reference import expected_hashes

CORPUS = sorted(builders())
# (pdq key, quality key) in the browser's result, the offline hash file, in the client's order.
VIEWS = (
    ("pdq", "quality", "pdq", "quality"),
    ("pdqOriented", "qualityOriented", "pdq_oriented", "quality_oriented"),
    ("pdqClipped", "qualityClipped", "pdq_clipped", "quality_clipped"),
)


def _path(corpus_paths, name):
    return next(p for p in corpus_paths if p.name == name)


def _reference_views(expected: dict) -> list[tuple[str, int]]:
    return [(expected[h], expected[q]) for h, q, _, _ in VIEWS if h in expected]


@pytest.mark.parametrize("name", CORPUS)
def test_the_member_client_hashes_each_corpus_file_as_the_reference_does(name, corpus_paths):
    path = _path(corpus_paths, name)
    got = [(pdq.hex(), quality) for pdq, quality in pdq_of_image(path)]
    assert got == _reference_views(expected_hashes(path))


@pytest.mark.parametrize("name", CORPUS)
def test_the_offline_hasher_hashes_each_corpus_file_as_the_reference_does(name, corpus_paths):
    path = _path(corpus_paths, name)
    entry = hash_path(path)
    expected = expected_hashes(path)
    assert entry["md5"] == expected["md5"]
    got = [(entry[h], entry[q]) for _, _, h, q in VIEWS if h in entry]
    assert got == _reference_views(expected)


def test_16_bit_grey_gets_a_clipped_pdq_and_no_other_file_in_the_corpus_does(corpus_paths):
    clipped = {p.name for p in corpus_paths if "pdq_clipped" in hash_path(p)}
    assert clipped == {
        "deep-300x200-grey16.png",
        "deep-300x200-grey16-low-byte.png",
        "deep-300x200-grey16-two-ranges.png",
        "deep-301x203-grey16-interlaced-filtered.png",
    }


def test_the_clipped_pdq_is_submitted_when_it_alone_is_reliable(corpus_paths):
    # The high byte of this file is black (quality 0): only a member running stock HMA, which
    # clips, sees the picture, so the clipped PDQ is the one worth publishing.
    entry = hash_path(_path(corpus_paths, "deep-300x200-grey16-low-byte.png"))
    assert entry["quality"] < 50 <= entry["quality_clipped"]
    pdqs = [s["value"] for s in signals_from_entries([entry]) if s["signal_type"] == "pdq"]
    assert pdqs == [entry["pdq_clipped"]]


def test_both_pdqs_are_submitted_when_the_two_decodings_see_different_pictures(corpus_paths):
    entry = hash_path(_path(corpus_paths, "deep-300x200-grey16-two-ranges.png"))
    distance = bin(int(entry["pdq"], 16) ^ int(entry["pdq_clipped"], 16)).count("1")
    assert distance > 31  # would not match each other
    assert min(entry["quality"], entry["quality_clipped"]) >= 50
    pdqs = [s["value"] for s in signals_from_entries([entry]) if s["signal_type"] == "pdq"]
    assert pdqs == [entry["pdq"], entry["pdq_clipped"]]


@pytest.mark.browser
@pytest.mark.parametrize("name", CORPUS)
def test_the_member_client_hashes_each_corpus_file_as_the_browser_does(
    name, corpus_paths, browser_corpus_results
):
    got = browser_corpus_results[name]
    browser = [(got[h], got[q]) for h, q, _, _ in VIEWS if h in got]
    client = [(pdq.hex(), quality) for pdq, quality in pdq_of_image(_path(corpus_paths, name))]
    assert client == browser

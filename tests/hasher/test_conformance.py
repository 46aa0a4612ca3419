"""The browser hasher gives exactly `pdqhash`'s PDQ and quality, and hashlib's MD5, on a generated
corpus of photographic and synthetic images in every supported format and pixel layout."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.hasher.corpus import builders, display_p3_like_icc, icc_changes_pixels
from tests.hasher.reference import expected_hashes

CORPUS = sorted(builders())


def test_the_corpus_covers_every_format_size_and_layout_the_issue_names():
    assert len(CORPUS) >= 40
    for ext in (".jpg", ".png", ".webp", ".gif"):
        assert sum(name.endswith(ext) for name in CORPUS) >= 4
    assert {f"exif-orientation-{o}.jpg" for o in range(2, 9)} <= set(CORPUS)
    for needle in ("rgba", "grey", "palette", "alpha", "icc-p3", "12mp", "5x5", "transparent"):
        assert any(needle in name for name in CORPUS), needle


def test_the_p3_profile_in_the_corpus_would_move_pixels_if_the_browser_colour_managed_it():
    # Otherwise the ICC-profiled images would not test colorSpaceConversion: "none".
    assert icc_changes_pixels(display_p3_like_icc())


@pytest.mark.browser
@pytest.mark.parametrize("name", CORPUS)
def test_browser_hashes_equal_pdqhash_and_hashlib(name, corpus_paths, browser_corpus_results):
    path = next(p for p in corpus_paths if p.name == name)
    expected = expected_hashes(path)
    got = browser_corpus_results[name]
    assert "error" not in got, got
    assert {k: got.get(k) for k in expected} == expected
    assert got["kind"] == "image"
    assert got["lowQuality"] == (expected["quality"] < 50)
    if "pdqOriented" in expected:
        assert got["orientation"] != 1
        assert got["lowQualityOriented"] == (expected["qualityOriented"] < 50)
    else:
        assert "pdqOriented" not in got and "qualityOriented" not in got


@pytest.mark.browser
def test_rotated_files_get_a_different_hash_for_the_pixels_as_displayed(browser_corpus_results):
    got = browser_corpus_results["exif-orientation-6.jpg"]
    distance = bin(int(got["pdq"], 16) ^ int(got["pdqOriented"], 16)).count("1")
    assert distance > 31  # would not match each other: both must be submitted


@pytest.mark.browser
def test_the_dct_matrix_is_the_one_the_cpp_builds(hasher_page):
    got = np.array(hasher_page.evaluate("window.dctMatrix()"), dtype=np.float32)
    scale = np.float32(math.sqrt(2.0 / 64))
    want = np.array(
        [
            float(scale) * math.cos((math.pi / 2.0 / 64) * (i + 1) * (2 * j + 1))
            for i in range(16)
            for j in range(64)
        ],
        dtype=np.float32,
    )
    assert np.array_equal(got, want)

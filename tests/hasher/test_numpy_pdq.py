"""member_portal/pdq.py (numpy alone) gives exactly `pdqhash`'s bits and quality: on every view
of every corpus file, and on random, smooth and flat images of awkward sizes."""

from __future__ import annotations

import numpy as np
import pytest

from member_portal import imaging, pdq
from tests.hasher.corpus import builders
from tests.hasher.reference import pdq_of_rgb as reference_pdq

CORPUS = sorted(builders())
# Under 5 px, exactly 64, either side of 64 and 128 (the window sizes change), long and thin.
SIZES = [(4, 9), (5, 5), (64, 64), (63, 65), (100, 37), (128, 129), (257, 300), (7, 1500)]


def _numpy_pdq(rgb: np.ndarray) -> tuple[str, int]:
    value, quality = pdq.pdq_of_rgb(rgb)
    return value.hex(), quality


def _images(height: int, width: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    smooth = np.dstack([128 + 100 * np.sin(x / 7.0), 255 * x / width, 255 * y / height])
    noisy = np.clip(smooth + rng.normal(0, 5, (height, width, 3)), 0, 255)
    return [
        rng.integers(0, 256, (height, width, 3), dtype=np.uint8),
        noisy.astype(np.uint8),
        np.full((height, width, 3), rng.integers(0, 256), dtype=np.uint8),
    ]


@pytest.mark.parametrize("name", CORPUS)
def test_numpy_pdq_equals_pdqhash_on_every_view_of_each_corpus_file(name, corpus_paths):
    path = next(p for p in corpus_paths if p.name == name)
    pixels = imaging.decode(path)
    views = [v for v in (pixels.stored, pixels.displayed, pixels.clipped) if v is not None]
    assert [_numpy_pdq(v) for v in views] == [reference_pdq(v) for v in views]


@pytest.mark.parametrize(("height", "width"), SIZES)
def test_numpy_pdq_equals_pdqhash_on_random_smooth_and_flat_images(height, width):
    for rgb in _images(height, width, seed=height * 7919 + width):
        assert _numpy_pdq(rgb) == reference_pdq(rgb)


def test_the_numpy_pdq_tells_different_pictures_apart():
    # Guards the test above against a hasher that returns one constant for everything.
    a, b, _flat = _images(300, 200, seed=1)
    assert _numpy_pdq(a)[0] != _numpy_pdq(b)[0]
    assert _numpy_pdq(a)[1] > 0

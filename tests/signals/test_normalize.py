"""Signal values are validated strictly and normalised to lower case."""

from __future__ import annotations

import pytest

from hashbank.signals import types

PDQ = "a5" * 32


def test_pdq_is_lower_cased_and_keeps_its_quality() -> None:
    assert types.normalize("pdq", PDQ.upper(), 90) == ("pdq", PDQ, 90)


def test_md5_and_phash_have_no_quality() -> None:
    assert types.normalize("md5", "AB" * 16) == ("md5", "ab" * 16, None)
    assert types.normalize("phash", "c3" * 8) == ("phash", "c3" * 8, None)


@pytest.mark.parametrize(
    ("signal_type", "value", "quality", "code"),
    [
        ("sha1", PDQ, 90, "invalid_signal_type"),
        (None, PDQ, 90, "invalid_signal_type"),
        ("pdq", PDQ[:-1], 90, "invalid_pdq"),
        ("pdq", PDQ + "0", 90, "invalid_pdq"),
        ("pdq", "g" * 64, 90, "invalid_pdq"),
        ("pdq", 12345, 90, "invalid_pdq"),
        ("pdq", PDQ, None, "invalid_quality"),
        ("pdq", PDQ, 101, "invalid_quality"),
        ("pdq", PDQ, -1, "invalid_quality"),
        ("pdq", PDQ, True, "invalid_quality"),
        ("pdq", PDQ, "90", "invalid_quality"),
        ("pdq", "0" * 64, 90, "degenerate_pdq"),
        ("pdq", "F" * 64, 90, "degenerate_pdq"),
        ("md5", "ab" * 15, None, "invalid_md5"),
        ("md5", "ab" * 16, 50, "invalid_quality"),
        ("phash", "ab" * 9, None, "invalid_phash"),
    ],
)
def test_invalid_values_are_rejected_with_a_stable_code(signal_type, value, quality, code) -> None:
    with pytest.raises(types.InvalidSignal) as info:
        types.normalize(signal_type, value, quality)
    assert info.value.code == code


def test_registry_holds_the_three_types_and_their_leaf_codes() -> None:
    assert {name: t.code for name, t in types.REGISTRY.items()} == {"pdq": 1, "md5": 2, "phash": 3}


def test_phash_from_imagehash_is_accepted() -> None:
    imagehash = pytest.importorskip("imagehash")
    from PIL import Image

    image = Image.new("L", (64, 64))
    image.putdata([(x * 7 + y * 3) % 256 for y in range(64) for x in range(64)])
    value = str(imagehash.phash(image))
    assert types.normalize("phash", value)[1] == value

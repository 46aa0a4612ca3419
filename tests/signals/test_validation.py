"""Strict validation of hash values: every malformed value is rejected with its own error code."""

from __future__ import annotations

import numpy as np
import pdqhash
import pytest

from hashbank.signals import types
from hashbank.signals.types import InvalidSignal
from tests.fixtures.values import PDQ_VALUES

PDQ = "f8f8f0cee0f4a84f06370a32038f67f0b36e2ed596621e1d33e6339c4e9c9b22"
MD5 = "d41d8cd98f00b204e9800998ecf8427e"
PHASH = "c3e1f0f8fcfe7f3f"


def code_of(signal_type, value, quality=None) -> str:
    with pytest.raises(InvalidSignal) as info:
        types.normalize(signal_type, value, quality)
    return info.value.code


def test_a_valid_pdq_with_quality_is_accepted():
    assert types.normalize("pdq", PDQ, 80) == ("pdq", PDQ, 80)


def test_upper_case_hex_is_normalised_to_lower_case():
    assert types.normalize("pdq", PDQ.upper(), 90)[1] == PDQ
    assert types.normalize("md5", MD5.upper())[1] == MD5


def test_surrounding_whitespace_is_stripped():
    assert types.normalize("md5", f"  {MD5}\n")[1] == MD5


@pytest.mark.parametrize("value", [PDQ[:-1], PDQ + "0", ""])
def test_a_pdq_of_the_wrong_length_is_rejected(value):
    assert code_of("pdq", value, 90) == "invalid_pdq"


def test_a_pdq_with_a_non_hex_character_is_rejected():
    assert code_of("pdq", "g" + PDQ[1:], 90) == "invalid_pdq"


@pytest.mark.parametrize("value", [MD5[:-1], MD5 + "a", "z" * 32, 12345])
def test_a_malformed_md5_is_rejected(value):
    assert code_of("md5", value) == "invalid_md5"


@pytest.mark.parametrize("quality", [-1, 101, 1000, 50.0, "90"])
def test_a_pdq_quality_outside_0_to_100_or_not_an_integer_is_rejected(quality):
    assert code_of("pdq", PDQ, quality) == "invalid_quality"


@pytest.mark.parametrize("quality", [True, False])
def test_a_boolean_quality_is_rejected_even_though_bool_is_an_int(quality):
    assert code_of("pdq", PDQ, quality) == "invalid_quality"


def test_a_pdq_without_quality_is_rejected():
    assert code_of("pdq", PDQ, None) == "invalid_quality"


@pytest.mark.parametrize("quality", [0, 100])
def test_the_quality_bounds_are_inclusive(quality):
    assert types.normalize("pdq", PDQ, quality)[2] == quality


def test_an_md5_with_a_quality_is_rejected():
    assert code_of("md5", MD5, 50) == "invalid_quality"


@pytest.mark.parametrize("value", ["0" * 64, "f" * 64, "F" * 64])
def test_an_all_zero_or_all_one_pdq_is_rejected_as_degenerate(value):
    assert code_of("pdq", value, 90) == "degenerate_pdq"


@pytest.mark.parametrize("signal_type", ["sha1", "PDQ", "", None, 3])
def test_an_unknown_signal_type_is_rejected(signal_type):
    assert code_of(signal_type, MD5) == "invalid_signal_type"


def test_phash_is_a_registered_type_of_16_hex_characters():
    assert "phash" in types.REGISTRY
    assert types.normalize("phash", PHASH.upper()) == ("phash", PHASH, None)
    assert code_of("phash", PHASH + "00") == "invalid_phash"


def test_an_invalid_signal_is_a_domain_error_with_a_4xx_status():
    with pytest.raises(InvalidSignal) as info:
        types.normalize("pdq", "nope", 90)
    assert 400 <= info.value.status < 500
    assert info.value.message


def test_removal_reasons_include_the_contract_names():
    names = {r.value for r in types.RemovalReason}
    assert {"withdrawn", "dispute_upheld", "staff_removed", "suspended"} <= names


def test_the_registry_holds_the_three_types_and_their_leaf_codes():
    assert {name: t.code for name, t in types.REGISTRY.items()} == {"pdq": 1, "md5": 2, "phash": 3}


def test_md5_and_phash_carry_no_quality():
    assert types.normalize("md5", MD5.upper()) == ("md5", MD5, None)
    assert types.normalize("phash", PHASH) == ("phash", PHASH, None)


def test_a_phash_computed_by_imagehash_is_accepted_unchanged():
    imagehash = pytest.importorskip("imagehash")
    from PIL import Image

    image = Image.new("L", (64, 64))
    image.putdata([(x * 7 + y * 3) % 256 for y in range(64) for x in range(64)])
    value = str(imagehash.phash(image))
    assert types.normalize("phash", value)[1] == value


@pytest.mark.parametrize(
    "value",
    [
        "0" * 62 + "ff",  # 8 bits set
        "f" * 60 + "0000",  # 240 bits set
        "ff" * 12 + "00" * 20,  # 96 of 256: outside 128 +/- 32
        "f" * 32 + "0" * 32,  # 128 bits, two distinct bytes
        "5a" * 32,  # 128 bits, one byte repeated
        "0f1e2d3c" * 8,  # 128 bits, periodic every 4 bytes
        "a5f0a457bb90a3a8" * 4,  # periodic every 8 bytes
    ],
)
def test_a_pdq_no_image_produces_is_rejected_as_degenerate_whatever_its_quality(value):
    assert code_of("pdq", value, 100) == "degenerate_pdq"


def _pdq_of(pixels) -> str:
    vector, _quality = pdqhash.compute(pixels.astype(np.uint8))
    return np.packbits(vector).tobytes().hex()


_RAMP = np.tile(np.linspace(0, 255, 256), (256, 1))
PDQ_VALUES_OF_IMAGES = [
    *PDQ_VALUES,
    _pdq_of(np.random.default_rng(3).random((256, 256, 3)) * 255),
    _pdq_of(np.stack([_RAMP] * 3, -1)),
    _pdq_of(np.stack([np.sin(_RAMP / 20) * 60 + 128] * 3, -1)),
]


@pytest.mark.parametrize("value", PDQ_VALUES_OF_IMAGES)
def test_pdqs_of_images_pass_the_screen(value):
    assert types.normalize("pdq", value, 90)[1] == value

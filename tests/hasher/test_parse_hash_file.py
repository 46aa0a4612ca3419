"""parse_hash_file accepts exactly the documented hash file and rejects everything else with a
machine-readable code (the submission API turns it into a 400)."""

from __future__ import annotations

import copy
import json

import pytest

from hashbank.core.errors import DomainError
from hashbank.hasher.format import HashFileError, parse_hash_file, signals_from_entries

MD5 = "0123456789abcdef0123456789abcdef"
PDQ = "f" * 32 + "0" * 32
PDQ2 = "a" * 64
IMAGE = {
    "kind": "image",
    "md5": MD5,
    "pdq": PDQ,
    "quality": 87,
    "phash": "8f3a00ff12345678",
    "orientation": 1,
}
ROTATED = {
    **IMAGE,
    "orientation": 6,
    "pdq_oriented": PDQ2,
    "quality_oriented": 40,
    "phash_oriented": "0000ffff0000ffff",
}
GREY16 = {**IMAGE, "quality": 12, "pdq_clipped": PDQ2, "quality_clipped": 93}
VALID = {
    "format": "hashbank-hashes",
    "version": 1,
    "generator": "hashbank.hasher 1",
    "files": [
        IMAGE,
        ROTATED,
        {"kind": "other", "md5": "f" * 32},
        {"kind": "image", "md5": "e" * 32, "error": "image_decode_failed"},
    ],
}


def encode(doc: object) -> bytes:
    return json.dumps(doc).encode()


def test_a_valid_hash_file_is_parsed_into_its_entries():
    assert parse_hash_file(encode(VALID)) == VALID["files"]


def test_the_error_is_a_domain_error_with_a_400():
    assert issubclass(HashFileError, DomainError)
    with pytest.raises(HashFileError) as info:
        parse_hash_file(b"{}")
    assert info.value.status == 400
    assert info.value.as_dict()["error"]["code"] == "hash_file_wrong_format"


def mutate(path: list, value: object = None, delete: bool = False) -> bytes:
    doc = copy.deepcopy(VALID)
    target = doc
    for key in path[:-1]:
        target = target[key]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return encode(doc)


BAD = {
    "not json": (b"\x89PNG\r\n\x1a\n\0\0", "hash_file_not_json"),
    "an image instead": (b"\xff\xd8\xff\xe0" + b"\0" * 100, "hash_file_not_json"),
    "json list": (b"[]", "hash_file_wrong_format"),
    "wrong format": (mutate(["format"], "something-else"), "hash_file_wrong_format"),
    "version 2": (mutate(["version"], 2), "hash_file_unsupported_version"),
    "version true": (mutate(["version"], True), "hash_file_unsupported_version"),
    "unknown top field": (mutate(["name"], "me.jpg"), "hash_file_unknown_field"),
    "no files": (mutate(["files"], []), "hash_file_empty"),
    "files not a list": (mutate(["files"], {"a": 1}), "hash_file_empty"),
    "too many": (mutate(["files"], [{"kind": "other", "md5": MD5}] * 1001), "hash_file_too_many"),
    "entry not object": (mutate(["files", 0], "abc"), "invalid_hash_entry"),
    "bad kind": (mutate(["files", 0, "kind"], "video"), "invalid_hash_entry"),
    "file name smuggled": (mutate(["files", 0, "name"], "me.jpg"), "hash_file_unknown_field"),
    "uppercase md5": (mutate(["files", 0, "md5"], MD5.upper()), "invalid_md5"),
    "short md5": (mutate(["files", 2, "md5"], "abc"), "invalid_md5"),
    "md5 number": (mutate(["files", 2, "md5"], 123), "invalid_md5"),
    "missing md5": (mutate(["files", 2, "md5"], delete=True), "invalid_hash_entry"),
    "short pdq": (mutate(["files", 0, "pdq"], PDQ[:-1]), "invalid_pdq"),
    "non-hex pdq": (mutate(["files", 0, "pdq"], "g" * 64), "invalid_pdq"),
    "quality 101": (mutate(["files", 0, "quality"], 101), "invalid_quality"),
    "quality -1": (mutate(["files", 0, "quality"], -1), "invalid_quality"),
    "quality float": (mutate(["files", 0, "quality"], 87.0), "invalid_quality"),
    "quality bool": (mutate(["files", 0, "quality"], True), "invalid_quality"),
    "missing quality": (mutate(["files", 0, "quality"], delete=True), "invalid_hash_entry"),
    "bad phash": (mutate(["files", 0, "phash"], "xyz"), "invalid_phash"),
    "orientation 9": (mutate(["files", 0, "orientation"], 9), "invalid_orientation"),
    "oriented hash with orientation 1": (
        mutate(["files", 0, "pdq_oriented"], PDQ2),
        "invalid_hash_entry",
    ),
    "rotated without oriented hash": (
        mutate(["files", 1, "pdq_oriented"], delete=True),
        "invalid_hash_entry",
    ),
    "bad oriented pdq": (mutate(["files", 1, "pdq_oriented"], "0" * 63), "invalid_pdq"),
    "clipped pdq without its quality": (
        mutate(["files", 0, "pdq_clipped"], PDQ2),
        "invalid_hash_entry",
    ),
    "clipped quality without its pdq": (
        mutate(["files", 0, "quality_clipped"], 90),
        "invalid_hash_entry",
    ),
    "bad clipped pdq": (
        mutate(["files", 0], {**GREY16, "pdq_clipped": "0" * 63}),
        "invalid_pdq",
    ),
    "clipped quality 101": (
        mutate(["files", 0], {**GREY16, "quality_clipped": 101}),
        "invalid_quality",
    ),
    "clipped pdq on other": (mutate(["files", 2, "pdq_clipped"], PDQ2), "hash_file_unknown_field"),
    "pdq on other": (mutate(["files", 2, "pdq"], PDQ), "hash_file_unknown_field"),
    "error plus pdq": (mutate(["files", 3, "pdq"], PDQ), "invalid_hash_entry"),
    "unknown error": (mutate(["files", 3, "error"], "other"), "invalid_hash_entry"),
    "duplicate key": (b'{"format": "hashbank-hashes", "format": "x"}', "hash_file_not_json"),
    "NaN": (encode(VALID).replace(b'"quality": 87', b'"quality": NaN'), "hash_file_not_json"),
    "not utf-8": (b'{"format": "\xff"}', "hash_file_not_json"),
    "too large": (b" " * (1024 * 1024 + 1), "hash_file_too_large"),
    "long generator": (mutate(["generator"], "x" * 101), "invalid_hash_entry"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_anything_else_is_rejected_with_a_reason(case):
    data, code = BAD[case]
    with pytest.raises(HashFileError) as info:
        parse_hash_file(data)
    assert info.value.code == code


def test_signals_publish_every_md5_and_only_pdqs_of_quality_50_or_more():
    signals = signals_from_entries(parse_hash_file(encode(VALID)))
    assert signals == [
        {"signal_type": "md5", "value": MD5, "quality": None},
        {"signal_type": "pdq", "value": PDQ, "quality": 87},
        {"signal_type": "md5", "value": "f" * 32, "quality": None},
        {"signal_type": "md5", "value": "e" * 32, "quality": None},
    ]


def test_a_16_bit_grey_entry_keeps_its_clipped_pdq():
    doc = {**VALID, "files": [GREY16]}
    assert parse_hash_file(encode(doc)) == [GREY16]


def test_signals_publish_the_clipped_pdq_by_the_same_quality_rule():
    reliable = signals_from_entries(parse_hash_file(encode({**VALID, "files": [GREY16]})))
    assert reliable == [
        {"signal_type": "md5", "value": MD5, "quality": None},
        {"signal_type": "pdq", "value": PDQ2, "quality": 93},
    ]
    unreliable = {**GREY16, "quality_clipped": 49}
    doc = {**VALID, "files": [unreliable]}
    assert [s["signal_type"] for s in signals_from_entries(parse_hash_file(encode(doc)))] == ["md5"]

"""The strict JSON decoder every body from outside goes through (hashbank/core/strict_json.py):
UTF-8 only, each field once, bounded nesting."""

from __future__ import annotations

import json

import pytest

from hashbank.core import strict_json


def test_an_object_that_names_a_field_twice_is_refused():
    with pytest.raises(strict_json.JSONRefused) as refused:
        strict_json.loads(b'{"adult": false, "adult": true}')
    assert refused.value.reason == "duplicate_key"


def test_a_utf16_body_is_refused_although_json_loads_would_guess_it():
    body = json.dumps({"hashes": []}).encode("utf-16")
    assert json.loads(body) == {"hashes": []}  # what the standard library does
    with pytest.raises(strict_json.JSONRefused) as refused:
        strict_json.loads(body)
    assert refused.value.reason == "not_utf8"


def test_a_utf16_body_without_a_byte_order_mark_is_refused():
    with pytest.raises(strict_json.JSONRefused):
        strict_json.loads(json.dumps({"a": 1}).encode("utf-16-le"))


def test_nesting_deeper_than_the_limit_is_refused_without_recursing():
    with pytest.raises(strict_json.JSONRefused) as refused:
        strict_json.loads(b"[" * 200_000 + b"]" * 200_000)
    assert refused.value.reason == "too_deep"


def test_brackets_inside_strings_are_not_nesting():
    value = {"note": "[" * 100 + '{"' * 50, "n": [[1]]}
    assert strict_json.loads(json.dumps(value).encode()) == value


def test_nan_and_infinity_are_not_json():
    with pytest.raises(strict_json.JSONRefused):
        strict_json.loads(b'{"distance": NaN}')

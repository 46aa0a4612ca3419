"""Fuzz targets for every parser of untrusted input (issue 17): whatever the bytes, each raises
only its own error type, never another exception (which the web tier would answer with a 500).

Hypothesis, bounded: each target runs `EXAMPLES` examples (a few seconds) with no deadline, so CI
time is fixed. Run more locally with `HYPOTHESIS_PROFILE=long` (5,000 examples each).
"""

from __future__ import annotations

import io
import json
import os
import struct

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hashbank.core import numbers, strict_json
from hashbank.core.errors import DomainError
from hashbank.hasher import document
from member_portal.feed import checkpoint, merkle, note, rootdoc, tiles, wire, witness
from member_portal.feed.activeset import ActiveSet

EXAMPLES = 5000 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 200
bounded = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# JSON-looking text: structural characters, digits, quotes, escapes, keywords and any Unicode.
json_text = st.text(
    alphabet=st.sampled_from(list('{}[]":,-+.eE0123456789 \\u/tfnrabl') + ["\u00b9", "\u2460"])
    | st.characters(),
    max_size=400,
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=30,
)
# Signed-note-looking text: lines, the em dash of signature lines, base64 and names.
note_text = st.lists(
    st.sampled_from(list("\n \u2014+/=abcAZ019.:-_")) | st.just("localhost/hashbank"),
    max_size=200,
).map("".join) | st.text(max_size=400)


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _bytes_variants(text: str) -> list[bytes]:
    return [text.encode("utf-8", "surrogatepass"), text.encode("utf-16", "surrogatepass")]


@bounded
@given(json_text)
def test_json_bodies_raise_only_json_refused(text):
    for data in _bytes_variants(text):
        try:
            strict_json.loads(data)
        except strict_json.JSONRefused:
            pass


@bounded
@given(json_values, st.integers(min_value=0, max_value=60))
def test_json_bodies_of_real_values_decode_or_are_refused_as_too_deep(value, depth):
    data = ("[" * depth + json.dumps(value) + "]" * depth).encode()
    try:
        assert strict_json.loads(data) is not None or value is None
    except strict_json.JSONRefused as refused:
        assert refused.reason in {"too_deep", "duplicate_key"}


@bounded
@given(st.binary(max_size=400) | json_text.map(_utf8))
def test_the_hash_file_raises_only_its_own_error(data):
    try:
        document.validate(data)
    except document.InvalidHashFile:
        pass


@bounded
@given(st.text(max_size=40) | st.from_regex(r"[0-9\u00b9\u2460\u0661-]{0,30}", fullmatch=True))
def test_query_parameters_parse_as_ascii_numbers_or_none(raw):
    value = numbers.parse_whole(raw)
    assert value is None or (raw.isascii() and raw.isdigit() and 0 <= value < 10**18)


@bounded
@given(
    st.text(max_size=60) | st.from_regex(r"bytes=[0-9\u00b9-]{0,30}-[0-9\u2460]{0,30}"),
    st.integers(min_value=0, max_value=10**12),
)
def test_range_headers_give_a_span_none_or_a_416(header, size):
    from member_portal.api.ranges import _parse_range

    try:
        span = _parse_range(header, size)
    except DomainError as error:
        assert error.status == 416
    else:
        assert span is None or 0 <= span[0] <= span[1] < max(size, 1)


@bounded
@given(note_text)
def test_signed_notes_raise_only_note_errors(text):
    try:
        note.split(text)
    except note.NoteError:
        pass


@bounded
@given(note_text)
def test_checkpoints_raise_only_checkpoint_errors(text):
    try:
        checkpoint.parse(text)
    except checkpoint.CheckpointError:
        pass


@bounded
@given(note_text)
def test_root_documents_raise_only_root_errors(text):
    try:
        rootdoc.parse(text)
    except (rootdoc.RootError, note.NoteError):
        pass


@bounded
@given(st.binary(max_size=600), st.integers(min_value=0, max_value=2**32 - 1))
def test_entries_pages_raise_only_wire_errors(data, count):
    # Raw bytes, and the same behind a well-formed header (start 0, `count` entries), so the
    # scan reaches the entries themselves.
    magic = wire.encode_entries(0, [])[:4]
    for page in (data, magic + struct.pack(">QI", 0, count) + data):
        try:
            wire.scan_entries(page, merkle.CompactRange(), ActiveSet())
        except wire.WireError:
            pass
        try:
            wire.decode_entries(page)
        except wire.WireError:
            pass


@bounded
@given(st.binary(max_size=600))
def test_snapshots_raise_only_wire_errors(data):
    for blob in (data, wire.SNAPSHOT_MAGIC + data):
        try:
            reader = wire.SnapshotReader(io.BytesIO(blob))
            for _ in reader.records():
                pass
        except wire.WireError:
            pass


@bounded
@given(st.binary(max_size=600) | note_text.map(_utf8))
def test_witness_requests_raise_only_witness_request_errors(body):
    try:
        witness.parse_add_checkpoint(body)
    except witness.WitnessRequestError:
        pass
    try:
        witness.parse_size(body)
    except witness.WitnessRequestError:
        pass


@bounded
@given(st.text(max_size=80))
def test_tile_paths_raise_only_tile_errors(path):
    try:
        tiles.parse_path(path)
    except tiles.TileError:
        pass

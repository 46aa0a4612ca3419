"""The member client's file hashing: which PDQ views a file gets (their values are checked against
the reference over the whole corpus in tests/hasher/test_parity.py)."""

from __future__ import annotations

import hashlib

import pytest

from member_portal.client.hashing import hash_file
from member_portal.imaging import UndecodableImage, decode
from tests.hasher.corpus import builders


def _build(tmp_path, name):
    path = tmp_path / name
    builders()[name](path)
    return path


def test_a_file_that_is_not_an_image_gets_its_md5_and_no_pdq(tmp_path):
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(5000))
    hashes = hash_file(path)
    assert hashes.md5 == hashlib.md5(path.read_bytes()).digest()
    assert hashes.pdq == []


def test_the_decoder_says_a_corrupt_image_is_undecodable(tmp_path):
    path = tmp_path / "broken.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 50)
    with pytest.raises(UndecodableImage):
        decode(path)


@pytest.mark.parametrize(
    ("name", "views"),
    [
        ("photo-640x480-q90.jpg", 1),
        ("exif-orientation-6.jpg", 2),
        ("deep-300x200-grey16.png", 2),
        ("deep-280x210-rgb16.png", 1),
    ],
)
def test_an_image_gets_one_pdq_per_view_victims_submit(tmp_path, name, views):
    assert len(hash_file(_build(tmp_path, name)).pdq) == views

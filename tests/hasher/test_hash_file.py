"""hashFile's behaviour beyond conformance: other files, undecodable images, streaming MD5,
progress and the low-quality flag."""

from __future__ import annotations

import hashlib
import os

import numpy as np
import pytest
from PIL import Image

from tests.hasher.conftest import hash_in_browser

pytestmark = pytest.mark.browser

CHUNK = 8 * 1024 * 1024


def test_a_file_that_is_not_an_image_gets_only_an_md5(hasher_page, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(b"not an image at all\n" * 100)
    [got] = hash_in_browser(hasher_page, [path])
    assert got["md5"] == hashlib.md5(path.read_bytes()).hexdigest()
    assert got["kind"] == "other"
    assert "pdq" not in got and "error" not in got


@pytest.mark.parametrize(
    "size", [0, 1, 55, 56, 63, 64, 65, 127, 128, 1000, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + 77]
)
def test_md5_is_exact_at_every_block_and_chunk_boundary(hasher_page, tmp_path, size):
    path = tmp_path / f"blob-{size}.bin"
    data = os.urandom(size)
    path.write_bytes(data)
    [got] = hash_in_browser(hasher_page, [path])
    assert got["md5"] == hashlib.md5(data).hexdigest()


def test_a_video_sized_file_is_hashed_in_chunks_with_progress(hasher_page, tmp_path):
    path = tmp_path / "clip.mp4"
    data = b"\x00\x00\x00\x18ftypmp42" + os.urandom(3 * CHUNK + 5)
    path.write_bytes(data)
    hasher_page.set_input_files("#files", [str(path)])
    got = hasher_page.evaluate(
        """async () => {
          const { hashFile } = await import("/static/hashbank/js/hasher.js");
          const file = document.getElementById("files").files[0];
          const seen = [];
          const result = await hashFile(file, { onProgress: (p) => seen.push(p) });
          return { result, seen };
        }"""
    )
    assert got["result"]["md5"] == hashlib.md5(data).hexdigest()
    md5_steps = [p for p in got["seen"] if p["phase"] == "md5"]
    assert len(md5_steps) == 4  # one report per 8 MB chunk
    assert md5_steps[-1] == {"phase": "md5", "done": len(data), "total": len(data)}
    assert [p["done"] for p in md5_steps] == sorted(p["done"] for p in md5_steps)


def test_a_corrupt_image_still_gets_its_md5_and_a_decode_error(hasher_page, tmp_path):
    path = tmp_path / "broken.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(5000))
    [got] = hash_in_browser(hasher_page, [path])
    assert got["md5"] == hashlib.md5(path.read_bytes()).hexdigest()
    assert got["kind"] == "image"
    assert got["error"] == "image_decode_failed"
    assert got["decodeError"] == "undecodable"
    assert "pdq" not in got


def test_a_heic_header_over_random_bytes_gets_its_md5_and_is_undecodable(hasher_page, tmp_path):
    # An ISO-BMFF header with the HEIC brand and no image: libheif (tests/hasher/test_heic.py
    # decodes real ones) finds nothing to decode; heic_unsupported would mean it did not load.
    path = tmp_path / "IMG_0001.HEIC"
    path.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + os.urandom(2000))
    [got] = hash_in_browser(hasher_page, [path])
    assert got["md5"] == hashlib.md5(path.read_bytes()).hexdigest()
    assert got["format"] == "heic"
    assert (got["error"], got["decodeError"]) == ("image_decode_failed", "undecodable")


def test_an_image_with_too_little_detail_is_flagged_low_quality(hasher_page, tmp_path):
    path = tmp_path / "flat.png"
    Image.fromarray(np.full((300, 300, 3), 200, np.uint8)).save(path)
    [got] = hash_in_browser(hasher_page, [path])
    assert got["quality"] < 50
    assert got["lowQuality"] is True


def test_image_hashing_reports_decode_pdq_and_md5_phases(browser_corpus_results):
    assert sorted(browser_corpus_results["photo-640x480-q90.jpg"]["phases"]) == [
        "decode",
        "md5",
        "pdq",
    ]


@pytest.mark.slow
def test_md5_of_a_file_over_512_mb_encodes_the_length_beyond_32_bits(hasher_page, tmp_path):
    # Past 512 MB the bit length needs MD5's high length word; a sparse file keeps the disk free.
    path = tmp_path / "long.mov"
    size = 600 * 1024 * 1024 + 3
    with path.open("wb") as fh:
        fh.write(b"\x00\x00\x00\x14ftypqt  ")
        fh.truncate(size)
    digest = hashlib.md5()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    [got] = hash_in_browser(hasher_page, [path])
    assert got["md5"] == digest.hexdigest()
    assert got["size"] == size


def test_a_text_file_that_happens_to_start_like_a_bitmap_is_not_an_image(hasher_page, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(b"BMW service notes: oil changed, tyres rotated.\n")
    [got] = hash_in_browser(hasher_page, [path])
    assert got["kind"] == "other" and "error" not in got


@pytest.mark.slow
def test_a_huge_file_that_starts_like_a_jpeg_is_not_decoded_but_gets_its_md5(hasher_page, tmp_path):
    path = tmp_path / "disk.img"
    with path.open("wb") as fh:
        fh.write(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
        fh.truncate(257 * 1024 * 1024)
    digest = hashlib.md5()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    [got] = hash_in_browser(hasher_page, [path])
    assert got["md5"] == digest.hexdigest()
    assert (got["error"], got["decodeError"]) == ("image_decode_failed", "too_large")


def test_prepare_hasher_warms_the_worker_and_hashing_still_matches(hasher_page, corpus_paths):
    from tests.hasher.reference import expected_hashes

    path = next(p for p in corpus_paths if p.name == "photo-640x480-q90.jpg")
    hasher_page.evaluate(
        """async () => {
          const { prepareHasher } = await import("/static/hashbank/js/hasher.js");
          await prepareHasher();
        }"""
    )
    [got] = hash_in_browser(hasher_page, [path])
    want = expected_hashes(path)
    assert (got["md5"], got["pdq"], got["quality"]) == (want["md5"], want["pdq"], want["quality"])

"""`python -m hashbank.hasher`: the offline hash file, equal to the reference and to the browser."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import imagehash
import pytest
from PIL import Image, ImageOps

from hashbank.hasher import document
from tests.hasher.corpus import builders
from tests.hasher.reference import expected_hashes, rgb_pixels

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = [
    "photo-640x480-q90.jpg",
    "exif-orientation-6.jpg",
    "photo-400x300-rgba.png",
    "transparent-300x200.gif",
    "photo-640x480-lossy.webp",
    "flat-grey-200x200.png",
    "deep-300x200-grey16-two-ranges.png",
]


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> list[Path]:
    directory = tmp_path_factory.mktemp("cli-sample")
    all_builders = builders()
    paths = []
    for name in SAMPLE:
        path = directory / name
        all_builders[name](path)
        paths.append(path)
    return paths


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hashbank.hasher", *args], cwd=ROOT, capture_output=True, timeout=120
    )


def test_cli_writes_the_documented_hash_file_with_reference_hashes(sample, tmp_path):
    other = tmp_path / "video.mp4"
    other.write_bytes(b"\x00\x00\x00\x18ftypmp42 not really a video")
    out = tmp_path / "hashes.json"
    proc = run_cli(*map(str, sample), str(other), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_bytes())
    assert (doc["format"], doc["version"]) == ("hashbank-hashes", 1)
    assert document.validate(out.read_bytes()) == doc["files"]
    *images, last = doc["files"]
    assert last == {"kind": "other", "md5": hashlib.md5(other.read_bytes()).hexdigest()}
    for path, entry in zip(sample, images, strict=True):
        want = expected_hashes(path)
        assert entry["md5"] == want["md5"]
        assert (entry["pdq"], entry["quality"]) == (want["pdq"], want["quality"])
        with Image.open(path) as img:
            # pHash is of the same canonical pixels as PDQ (a GIF's transparent index is black).
            assert entry["phash"] == str(imagehash.phash(Image.fromarray(rgb_pixels(img))))
        if "pdqOriented" in want:
            assert (entry["pdq_oriented"], entry["quality_oriented"]) == (
                want["pdqOriented"],
                want["qualityOriented"],
            )
            with Image.open(path) as img:
                shown = ImageOps.exif_transpose(img)
                shown.format = img.format
                shown = Image.fromarray(rgb_pixels(shown))
            assert entry["phash_oriented"] == str(imagehash.phash(shown))
        else:
            assert entry["orientation"] == 1 and "pdq_oriented" not in entry
        if "pdqClipped" in want:
            assert (entry["pdq_clipped"], entry["quality_clipped"]) == (
                want["pdqClipped"],
                want["qualityClipped"],
            )
        else:
            assert "pdq_clipped" not in entry


def test_cli_prints_the_hash_file_as_one_line_to_paste_into_the_form(sample, tmp_path):
    out = tmp_path / "hashes.json"
    proc = run_cli(*map(str, sample[:3]), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith('{"format":"hashbank-hashes"')
    assert json.loads(lines[0]) == json.loads(out.read_bytes())
    assert document.validate(lines[0].encode()) == document.validate(out.read_bytes())
    assert b"paste it into the box on the form" in proc.stderr
    assert all(path.name.encode() not in proc.stdout for path in sample[:3])


def test_the_hash_file_never_contains_file_names(sample, tmp_path):
    proc = run_cli(str(sample[0]), "-o", "-")
    assert proc.returncode == 0
    assert sample[0].name.encode() not in proc.stdout
    assert sample[0].name.encode() in proc.stderr  # shown on screen only


def test_an_undecodable_image_gets_md5_and_an_error_entry(tmp_path):
    path = tmp_path / "broken.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 50)
    proc = run_cli(str(path), "-o", "-")
    entry = json.loads(proc.stdout)["files"][0]
    assert entry == {
        "kind": "image",
        "md5": hashlib.md5(path.read_bytes()).hexdigest(),
        "error": "image_decode_failed",
    }


@pytest.mark.browser
def test_the_cli_and_the_browser_give_the_same_pdq(sample, hasher_page, tmp_path):
    from tests.hasher.conftest import hash_in_browser

    proc = run_cli(*map(str, sample), "-o", "-")
    entries = json.loads(proc.stdout)["files"]
    for entry, got in zip(entries, hash_in_browser(hasher_page, sample), strict=True):
        assert (entry["md5"], entry["pdq"], entry["quality"]) == (
            got["md5"],
            got["pdq"],
            got["quality"],
        )
        assert entry.get("pdq_oriented") == got.get("pdqOriented")
        assert entry.get("pdq_clipped") == got.get("pdqClipped")

"""Helpers for the browser tests: generated files, and the steps of the submission page."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
from PIL import Image

TIMEOUT = 30_000


def make_files(directory: Path) -> list[Path]:
    """A photo-like JPEG, a PNG with transparency, and a 'video' (random bytes): all distinct."""
    rng = np.random.default_rng(2026)
    y, x = np.mgrid[0:480, 0:640]
    base = np.stack([x / 640 * 255, y / 480 * 255, (x + y) / 1120 * 255], axis=-1)
    photo = np.clip(base + rng.normal(0, 25, base.shape), 0, 255).astype(np.uint8)
    Image.fromarray(photo).save(directory / "holiday.jpg", quality=90)
    rgba = rng.integers(0, 255, (200, 300, 4), dtype=np.uint8)
    Image.fromarray(rgba, "RGBA").save(directory / "screenshot.png")
    (directory / "clip.mp4").write_bytes(rng.bytes(300_000))
    return [directory / "holiday.jpg", directory / "screenshot.png", directory / "clip.mp4"]


def md5_of(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def answer_eligibility(page) -> None:
    page.check("#adult-yes")
    page.check("#depicted-yes")
    page.click("#eligibility-form button[type=submit]")
    page.wait_for_selector("#step-files:not([hidden])")


def wait_until_hashed(page, count: int) -> None:
    page.wait_for_function(
        "n => document.querySelectorAll('#file-list .file').length === n && "
        "[...document.querySelectorAll('#file-list .file')].every(li => li.dataset.state)",
        arg=count,
        timeout=TIMEOUT,
    )


def read_result(page) -> tuple[str, str]:
    page.wait_for_selector("#step-result:not([hidden])", timeout=TIMEOUT)
    number = page.text_content("#result-number").strip()
    pin = page.text_content("#result-pin").strip()
    assert re.fullmatch(r"HB-[0-9A-Z]{4}-[0-9A-Z]{4}", number)
    assert re.fullmatch(r"\d{4}-\d{4}-\d{4}", pin)
    return number, pin


def submit_files(page, base_url: str, files: list[Path]) -> tuple[str, str]:
    page.goto(f"{base_url}/submit/")
    answer_eligibility(page)
    page.set_input_files("#file-input", [str(path) for path in files])
    wait_until_hashed(page, len(files))
    page.click("#files-next")
    page.check("#consent-consent")
    page.click("#send")
    return read_result(page)

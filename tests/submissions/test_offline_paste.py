"""The no-JavaScript path: the offline hasher's text, pasted into a plain form (never a file)."""

import html
import json
import re
from urllib.parse import unquote, urlencode

import numpy as np
import pytest
from django.test import Client
from PIL import Image

from hashbank.cases.models import Case
from hashbank.hasher.cli import main as offline_hasher

YES = {"adult": "yes", "depicted": "yes", "consent": "yes"}


@pytest.fixture
def hashed(tmp_path, capsys) -> tuple[str, str]:
    """(the line the offline hasher printed to paste, the hashes.json it wrote)."""
    rng = np.random.default_rng(7)
    photo = tmp_path / "photo.png"
    Image.fromarray(rng.integers(0, 255, (96, 128, 3), dtype=np.uint8)).save(photo)
    video = tmp_path / "video.mp4"
    video.write_bytes(rng.bytes(5000))
    out = tmp_path / "hashes.json"
    assert offline_hasher([str(photo), str(video), "-o", str(out)]) == 0
    return capsys.readouterr().out.strip(), out.read_text()


def paste(client: Client, text: str, **fields):
    """The form as a browser sends it: urlencoded, the text in the textarea `hashes`."""
    body = urlencode({**YES, **fields, "hashes": text})
    return client.post("/submit/offline/", body, content_type="application/x-www-form-urlencoded")


def test_the_pasted_text_creates_a_case_and_shows_its_number_and_pin(db, hashed):
    response = paste(Client(), hashed[0])
    assert response.status_code == 201
    page = response.content.decode()
    case = Case.objects.get()
    assert f"{case.number[:2]}-{case.number[2:6]}-{case.number[6:]}" in page
    # The saved file has a neutral name and says where to use the number and PIN.
    assert 'download="notes.txt"' in page
    saved = unquote(
        html.unescape(re.search(r'href="data:text/plain;charset=utf-8,([^"]*)"', page)[1])
    )
    number = f"{case.number[:2]}-{case.number[2:6]}-{case.number[6:]}"
    assert saved.startswith(f"Case number: {number}\nPIN: ")
    assert saved.endswith("\nCheck or withdraw it at: http://testserver/status/\n")
    # MD5 of both files and the photo's PDQ (pHash travels in the text but is not published).
    assert sorted(case.case_signals.values_list("signal__signal_type", flat=True)) == [
        "md5",
        "md5",
        "pdq",
    ]


def test_the_pasted_text_creates_a_case_in_spanish_too(db, hashed):
    response = paste(Client(HTTP_ACCEPT_LANGUAGE="es"), hashed[0])
    assert response.status_code == 201
    assert "Su caso se ha creado" in response.content.decode()
    assert Case.objects.get().attestations["language"] == "es"


def test_the_saved_file_pasted_from_a_text_editor_is_accepted_too(db, hashed):
    printed, saved = hashed
    assert json.loads(saved) == json.loads(printed)
    # A browser sends a textarea's line breaks as CRLF.
    response = paste(Client(), saved.replace("\n", "\r\n"))
    assert response.status_code == 201
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Only that text is accepted, never an image"),
        ("es", "Solo se acepta ese texto, nunca una imagen"),
    ],
)
def test_a_photos_bytes_pasted_as_text_get_the_plain_error(db, tmp_path, language, message):
    Image.new("RGB", (32, 32), "red").save(tmp_path / "photo.jpg")
    garbage = (tmp_path / "photo.jpg").read_bytes().decode("latin-1")
    response = paste(Client(HTTP_ACCEPT_LANGUAGE=language), garbage)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert ("Nothing was sent" if language == "en" else "No se ha enviado nada") in page
    assert not Case.objects.exists()


def test_an_empty_box_asks_for_the_text(db):
    response = paste(Client(), "  \r\n")
    assert response.status_code == 400
    assert "Please paste the text the offline hasher printed" in response.content.decode()
    assert not Case.objects.exists()


def test_the_offline_form_needs_every_attestation(db, hashed):
    response = paste(Client(), hashed[0], consent="")
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_the_offline_form_is_csrf_protected(db, hashed):
    response = paste(Client(enforce_csrf_checks=True), hashed[0])
    assert response.status_code == 403
    assert not Case.objects.exists()

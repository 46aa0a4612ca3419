"""The no-JavaScript path: the offline hasher's JSON file, uploaded through a plain form."""

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from hashbank.cases.models import Case
from hashbank.hasher.cli import main as offline_hasher

YES = {"adult": "yes", "depicted": "yes", "consent": "yes"}


@pytest.fixture
def hash_file(tmp_path) -> bytes:
    rng = np.random.default_rng(7)
    photo = tmp_path / "photo.png"
    Image.fromarray(rng.integers(0, 255, (96, 128, 3), dtype=np.uint8)).save(photo)
    video = tmp_path / "video.mp4"
    video.write_bytes(rng.bytes(5000))
    out = tmp_path / "hashes.json"
    assert offline_hasher([str(photo), str(video), "-o", str(out)]) == 0
    return out.read_bytes()


def upload(client: Client, data: bytes, **fields):
    form = {
        **YES,
        **fields,
        "hash_file": SimpleUploadedFile("hashes.json", data, "application/json"),
    }
    return client.post("/submit/offline/", form)


def test_the_offline_hash_file_creates_a_case_and_shows_its_number_and_pin(db, hash_file):
    response = upload(Client(), hash_file)
    assert response.status_code == 201
    page = response.content.decode()
    case = Case.objects.get()
    assert f"{case.number[:2]}-{case.number[2:6]}-{case.number[6:]}" in page
    assert 'download="hashbank-case.txt"' in page
    # MD5 of both files and the photo's PDQ (pHash travels in the file but is not published).
    assert sorted(case.case_signals.values_list("signal__signal_type", flat=True)) == [
        "md5",
        "md5",
        "pdq",
    ]


def test_an_image_uploaded_instead_of_the_hash_file_is_refused(db, tmp_path):
    Image.new("RGB", (32, 32), "red").save(tmp_path / "photo.jpg")
    response = upload(Client(), (tmp_path / "photo.jpg").read_bytes())
    assert response.status_code == 400
    assert "Only that file is accepted" in response.content.decode()
    assert not Case.objects.exists()


def test_the_offline_form_needs_every_attestation(db, hash_file):
    response = upload(Client(), hash_file, consent="")
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_the_offline_form_is_csrf_protected(db, hash_file):
    response = upload(Client(enforce_csrf_checks=True), hash_file)
    assert response.status_code == 403
    assert not Case.objects.exists()

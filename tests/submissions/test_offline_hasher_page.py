"""/offline-hasher/ and the no-JavaScript form name the wheel this bank serves, with the sha256 of
the file itself, and serve exactly that file from our own origin."""

from __future__ import annotations

import hashlib
import os

import pytest
from django.test import Client

NAME = "hashbank_hasher-1.0.0-py3-none-any.whl"


@pytest.fixture
def dist(tmp_path, settings):
    settings.HASHBANK_HASHER_DIST_DIR = str(tmp_path)
    return tmp_path


def _wheel(dist, name: str = NAME, content: bytes = b"PK\x03\x04 a wheel's bytes") -> str:
    (dist / name).write_bytes(content)
    return hashlib.sha256(content).hexdigest()


def test_the_page_names_the_wheel_and_its_checksum_and_the_pipx_command(db, dist):
    sha = _wheel(dist)
    page = Client().get("/offline-hasher/").content.decode()
    assert f'href="/offline-hasher/{NAME}"' in page
    assert sha in page
    assert f"pipx install ./{NAME}" in page
    assert f"sha256sum {NAME}" in page


def test_the_no_javascript_form_links_to_the_download_with_its_checksum(db, dist):
    sha = _wheel(dist)
    page = Client().get("/submit/").content.decode()
    noscript = page[page.index("<noscript>") : page.index("</noscript>")]
    assert f'href="/offline-hasher/{NAME}"' in noscript and sha in noscript
    assert 'href="/offline-hasher/"' in noscript


def test_the_served_file_is_the_one_whose_checksum_is_shown(db, dist):
    content = os.urandom(3000)
    sha = _wheel(dist, content=content)
    response = Client().get(f"/offline-hasher/{NAME}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body == content and hashlib.sha256(body).hexdigest() == sha
    assert response["Content-Disposition"] == f'attachment; filename="{NAME}"'


def test_a_rebuilt_wheel_shows_its_new_checksum(db, dist):
    _wheel(dist, content=b"first build")
    first = Client().get("/offline-hasher/").content.decode()
    sha = _wheel(dist, content=b"second build, another size")
    assert sha not in first
    assert sha in Client().get("/offline-hasher/").content.decode()


def test_only_the_named_wheel_is_served(db, dist):
    _wheel(dist)
    (dist / "notes.txt").write_text("not for download")
    client = Client()
    assert client.get("/offline-hasher/notes.txt").status_code == 404
    assert client.get("/offline-hasher/hashbank_hasher-0.9-py3-none-any.whl").status_code == 404
    assert client.get("/offline-hasher/..%2Fsettings.py").status_code == 404


def test_without_a_built_wheel_the_page_says_so_and_gives_the_source_command(db, dist):
    page = Client().get("/offline-hasher/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "no ofrece el generador para descargar" in page
    assert "python -m hashbank.hasher" in page
    assert Client().get(f"/offline-hasher/{NAME}").status_code == 404


def test_the_page_is_in_spanish_too(db, dist):
    _wheel(dist)
    page = Client().get("/offline-hasher/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Su suma de comprobación SHA-256:" in page
    assert "Generador sin conexión" in page

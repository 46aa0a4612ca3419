"""No request body that could be a photo is ever read or written to disk (issue 15).

hashbank.core.middleware.NoUploadMiddleware refuses a multipart, large or unmeasured body on the
victim routes from the headers alone; elsewhere the upload settings stop a file part unread and
keep nothing. These tests send the body through the whole middleware stack (CSRF checks on, as a
browser meets them) with an input stream that records every read, and watch every file opened
in an empty temporary directory that both Django's upload handlers and `tempfile` are pointed at.
"""

from __future__ import annotations

import io
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.wsgi import get_wsgi_application
from django.test import Client
from django.test.client import BOUNDARY, encode_multipart
from PIL import Image

from hashbank.cases.models import Case

VICTIM_PAGES = ["/submit/offline/", "/", "/status/", "/status/withdraw/", "/i18n/setlang/"]
# As a browser labels a form with a file (the test client would re-encode its own spelling).
MULTIPART_CONTENT = f"multipart/form-data;boundary={BOUNDARY}"
VICTIM_API = ["/api/v1/submissions", "/api/v1/cases/status", "/api/v1/cases/withdraw"]


class RecordingInput(io.RawIOBase):
    """A WSGI input stream that remembers how many bytes anyone read from it."""

    def __init__(self, body: bytes) -> None:
        self._body = io.BytesIO(body)
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self._body.read(size)
        self.bytes_read += len(chunk)
        return chunk

    def readline(self, size: int = -1) -> bytes:
        line = self._body.readline(size)
        self.bytes_read += len(line)
        return line


# Files opened under a watched directory, seen through the interpreter's audit hook ("open" is
# raised by open() and os.open(), which tempfile and Django's upload handlers use). The hook
# cannot be removed, so it is installed once and only records while a test watches.
_watched: list[tuple[str, list[str]]] = []


def _audit(event: str, args: tuple) -> None:
    if event == "open" and _watched and isinstance(args[0], (str, bytes, Path)):
        opened = str(args[0] if not isinstance(args[0], bytes) else args[0].decode())
        for directory, seen in _watched:
            if opened.startswith(directory + "/"):
                seen.append(opened)


sys.addaudithook(_audit)


@pytest.fixture
def upload_dir(tmp_path, settings, monkeypatch) -> Iterator[list[str]]:
    """An empty directory for every temporary file; yields the files opened in it."""
    directory = tmp_path / "uploads"
    directory.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(directory)
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    seen: list[str] = []
    _watched.append((str(directory), seen))
    try:
        yield seen
    finally:
        _watched.remove((str(directory), seen))
    assert list(directory.iterdir()) == []


@pytest.fixture(scope="module")
def photo(tmp_path_factory) -> bytes:
    """A 3 MB JPEG: larger than Django's in-memory limit, so a parser would spool it to disk."""
    noise = np.random.default_rng(15).integers(0, 255, (1400, 1800, 3), dtype=np.uint8)
    path = tmp_path_factory.mktemp("photo") / "photo.jpg"
    Image.fromarray(noise).save(path, quality=98)
    data = path.read_bytes()
    assert len(data) > 2_621_440
    return data


def csrf_client() -> Client:
    """A client that checks CSRF as a browser meets it, with the token of a fresh page. (A client
    builds its middleware stack on its first request: make it after changing MIDDLEWARE.)"""
    client = Client(enforce_csrf_checks=True)
    client.get("/submit/")
    return client


@pytest.fixture
def browser_client(db) -> Client:
    return csrf_client()


def without_the_refusal(settings) -> None:
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("NoUploadMiddleware")]


def multipart_with(photo: bytes, client: Client) -> bytes:
    fields = {
        "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        "adult": "yes",
        "depicted": "yes",
        "consent": "yes",
        "hashes": SimpleUploadedFile("photo.jpg", photo, "image/jpeg"),
    }
    return encode_multipart(BOUNDARY, fields)


def post_recorded(client: Client, path: str, body: bytes, content_type: str, **extra):
    stream = RecordingInput(body)
    response = client.post(path, body, content_type=content_type, **{"wsgi.input": stream}, **extra)
    return response, stream


@pytest.mark.parametrize("path", VICTIM_PAGES)
def test_a_photo_posted_by_hand_to_a_victim_page_is_refused_unread_and_never_reaches_the_disk(
    browser_client, upload_dir, photo, path
):
    body = multipart_with(photo, browser_client)
    response, stream = post_recorded(browser_client, path, body, MULTIPART_CONTENT)
    assert response.status_code == 415
    assert "Nothing was sent" in response.content.decode()
    assert "This site never accepts files" in response.content.decode()
    assert stream.bytes_read == 0
    assert upload_dir == []
    assert not Case.objects.exists()


@pytest.mark.parametrize("path", VICTIM_API)
def test_a_photo_posted_to_the_victim_api_is_refused_unread_with_a_code(
    browser_client, upload_dir, photo, path
):
    body = multipart_with(photo, browser_client)
    response, stream = post_recorded(browser_client, path, body, MULTIPART_CONTENT)
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
    assert stream.bytes_read == 0
    assert upload_dir == []


@pytest.mark.parametrize("path", ["/staff/login/", "/portal/login/", "/django-admin/login/"])
def test_a_photo_posted_to_any_other_page_stops_the_parse_at_its_headers_and_is_never_stored(
    browser_client, upload_dir, photo, path, settings, django_admin_routed
):
    # Below DATA_UPLOAD_MAX_MEMORY_SIZE, so that the parser, not the size cap, meets the photo.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * len(photo)
    body = multipart_with(photo, browser_client)
    response, stream = post_recorded(browser_client, path, body, MULTIPART_CONTENT)
    assert response.status_code == 400
    # The parser reads in 64 KiB chunks and stops at the file part's headers.
    assert stream.bytes_read <= 2 * 64 * 1024
    assert upload_dir == []


@pytest.mark.parametrize("path", ["/staff/login/", "/portal/login/", "/api/v1/reports"])
def test_a_body_over_the_memory_cap_on_any_other_route_is_refused_from_its_headers_unread(
    browser_client, upload_dir, photo, path
):
    body = multipart_with(photo, browser_client)
    response, stream = post_recorded(browser_client, path, body, MULTIPART_CONTENT)
    assert response.status_code == 413
    assert stream.bytes_read == 0
    assert upload_dir == []


def test_a_photo_sent_as_a_raw_wsgi_request_is_refused_before_the_body_is_read(
    db, upload_dir, photo
):
    """As gunicorn hands a request over: no test client in between."""
    body = encode_multipart(BOUNDARY, {"hashes": io.BytesIO(photo)})
    stream = RecordingInput(body)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/submit/offline/",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "CONTENT_TYPE": MULTIPART_CONTENT,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": stream,
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
    }
    statuses = []
    chunks = get_wsgi_application()(environ, lambda status, headers: statuses.append(status))
    page = b"".join(chunks).decode()
    assert statuses == ["415 Unsupported Media Type"]
    assert "Nothing was sent" in page
    assert stream.bytes_read == 0
    assert upload_dir == []


def test_the_probes_see_a_photo_spooled_to_disk_when_the_refusal_and_the_settings_are_gone(
    db, upload_dir, photo, settings
):
    """Without NoUploadMiddleware and with Django's default upload handlers, the CSRF check's
    read of request.POST spools the photo into the temporary directory: what the tests above
    would see if the service ever parsed an upload again."""
    without_the_refusal(settings)
    settings.FILE_UPLOAD_HANDLERS = [
        "django.core.files.uploadhandler.MemoryFileUploadHandler",
        "django.core.files.uploadhandler.TemporaryFileUploadHandler",
    ]
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 100
    client = csrf_client()
    body = multipart_with(photo, client)
    _, stream = post_recorded(client, "/submit/offline/", body, MULTIPART_CONTENT)
    assert stream.bytes_read == len(body)
    assert [name.endswith(".upload.jpg") for name in upload_dir] == [True]


def test_a_parsed_multipart_body_fails_at_its_first_file_part_before_reading_it(
    db, upload_dir, photo, settings
):
    without_the_refusal(settings)
    client = csrf_client()
    body = multipart_with(photo, client)
    response, stream = post_recorded(client, "/submit/offline/", body, MULTIPART_CONTENT)
    assert response.status_code == 400  # DATA_UPLOAD_MAX_NUMBER_FILES = 0
    assert stream.bytes_read <= 2 * 64 * 1024
    assert upload_dir == []


def test_the_upload_handler_keeps_no_file_even_when_files_are_allowed(
    db, upload_dir, photo, settings
):
    without_the_refusal(settings)
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 100
    client = csrf_client()
    body = multipart_with(photo, client)
    response, stream = post_recorded(client, "/submit/offline/", body, MULTIPART_CONTENT)
    # The fields before the file were read (the CSRF check passed); the photo was not kept.
    assert response.status_code == 400
    assert "Please paste the text the offline hasher printed" in response.content.decode()
    assert stream.bytes_read <= 2 * 64 * 1024
    assert upload_dir == []
    assert not Case.objects.exists()


def test_a_large_form_body_on_a_victim_page_is_refused_unread(browser_client, upload_dir, settings):
    body = b"hashes=" + b"A" * (settings.HASHBANK_VICTIM_BODY_MAX_BYTES + 1)
    response, stream = post_recorded(
        browser_client, "/submit/offline/", body, "application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert "far too much to be the offline hasher" in response.content.decode()
    assert stream.bytes_read == 0


def test_a_large_json_body_on_the_victim_api_is_refused_unread(browser_client, settings):
    body = b'{"hashes": "' + b"A" * settings.HASHBANK_VICTIM_BODY_MAX_BYTES + b'"}'
    response, stream = post_recorded(
        browser_client, "/api/v1/submissions", body, "application/json"
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"
    assert stream.bytes_read == 0


@pytest.mark.parametrize("path", ["/submit/offline/", "/api/v1/submissions"])
def test_a_body_without_a_length_on_a_victim_route_is_refused_unread(browser_client, path):
    response, stream = post_recorded(
        browser_client,
        path,
        b"hashes=x",
        "application/x-www-form-urlencoded",
        HTTP_TRANSFER_ENCODING="chunked",
    )
    assert response.status_code == 411
    if path.startswith("/api/"):
        assert response.json()["error"]["code"] == "length_required"
    assert stream.bytes_read == 0


def test_the_refusal_page_is_in_the_persons_language_with_the_sites_headers(browser_client, photo):
    browser_client.cookies["django_language"] = "es"
    body = multipart_with(photo, browser_client)
    response, _ = post_recorded(browser_client, "/submit/offline/", body, MULTIPART_CONTENT)
    page = response.content.decode()
    assert response.status_code == 415
    assert '<html lang="es">' in page
    assert "No se ha enviado nada" in page and "Este sitio nunca acepta archivos" in page
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "data-quick-exit" in page


def test_the_language_switcher_on_the_refusal_page_works(browser_client, photo):
    body = multipart_with(photo, browser_client)
    response, _ = post_recorded(browser_client, "/submit/offline/", body, MULTIPART_CONTENT)
    page = response.content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    switched = browser_client.post(
        "/i18n/setlang/",
        urlencode({"csrfmiddlewaretoken": token, "language": "es", "next": "/"}),
        content_type="application/x-www-form-urlencoded",
    )
    assert switched.status_code == 302

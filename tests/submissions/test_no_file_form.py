"""No victim page has a form that could send a file (issue 15's no-upload rule, in the HTML).

The JavaScript hasher's file picker stays: it sits outside every form, and the files it picks
are read in the browser, never posted.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client

from hashbank.cases import services
from tests.fixtures.values import ATTESTED, md5, pdq
from tests.submissions.conftest import post_form


class FormsAndFileInputs(HTMLParser):
    """Each form's attributes, and each file input with the form (if any) it sits in."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str | None]] = []
        self.file_inputs: list[tuple[str | None, dict[str, str | None] | None]] = []
        self._open: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append(attributes)
            self._open.append(attributes)
        elif tag == "input" and (attributes.get("type") or "").lower() == "file":
            self.file_inputs.append((attributes.get("id"), self._open[-1] if self._open else None))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._open:
            self._open.pop()


def victim_pages(client: Client) -> dict[str, str]:
    case, pin = services.submit_case(hashes=[pdq(), md5()], attestations=ATTESTED)
    pages = {
        path: client.get(path).content.decode() for path in ["/", "/submit/", "/status/", "/check/"]
    }
    credentials = {"case_number": case.number, "pin": pin}
    pages["status (signed in)"] = post_form(
        client, "/status/", credentials, follow=True
    ).content.decode()
    pages["offline error"] = post_form(client, "/submit/offline/", {"hashes": "x"}).content.decode()
    pages["refused upload"] = client.post(
        "/submit/offline/",
        {"hashes": "x"},  # the test client's default: multipart
    ).content.decode()
    return pages


@pytest.fixture
def pages(db) -> dict[str, str]:
    return victim_pages(Client())


def test_no_form_on_a_victim_page_is_multipart(pages):
    for name, html in pages.items():
        parsed = FormsAndFileInputs()
        parsed.feed(html)
        assert parsed.forms, name
        for form in parsed.forms:
            assert (form.get("enctype") or "").lower() != "multipart/form-data", (name, form)


def test_no_file_input_on_a_victim_page_sits_in_a_form(pages):
    pickers = []
    for name, html in pages.items():
        parsed = FormsAndFileInputs()
        parsed.feed(html)
        for input_id, form in parsed.file_inputs:
            assert form is None, (name, input_id, form)
            pickers.append((name, input_id))
    # The JavaScript hasher's picker, which reads the files in the browser, the status page's
    # "find a photo in this case" and the possession check, which fingerprint it there too.
    assert sorted(pickers) == sorted(
        [
            ("/submit/", "file-input"),
            ("/check/", "possession-file"),
            ("status (signed in)", "find-photo-input"),
        ]
    )


def test_the_parser_sees_a_file_input_inside_a_multipart_form():
    parsed = FormsAndFileInputs()
    parsed.feed(
        '<form action="/x" method="post" enctype="multipart/form-data">'
        '<p><input type="file" id="f"></p></form><input type=file id="g">'
    )
    assert parsed.forms[0]["enctype"] == "multipart/form-data"
    assert parsed.file_inputs == [("f", parsed.forms[0]), ("g", None)]

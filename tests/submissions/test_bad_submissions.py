"""Every malformed submission gets a 400 with a machine-readable code, and nothing is written."""

import pytest

from hashbank.cases.models import Case, CaseSignal
from hashbank.signals.models import Signal
from tests.fixtures.values import ATTESTED, md5, pdq
from tests.submissions.conftest import post_form, post_json

GOOD_MD5 = "0123456789abcdef0123456789abcdef"
GOOD_PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"


def body(**changes):
    return {"hashes": [pdq(), md5()], "attestations": ATTESTED, **changes}


CASES = [
    ("not json", b"{not json", "malformed_json"),
    ("json array", b"[]", "malformed_json"),
    ("json string", b'"hashes"', "malformed_json"),
    ("invalid utf-8", b'{"hashes": "\xff"}', "malformed_json"),
    ("unknown top-level field", body(name="Alice"), "unknown_field"),
    ("no hashes field", {"attestations": ATTESTED}, "no_hashes"),
    ("empty hashes", body(hashes=[]), "no_hashes"),
    ("hashes not a list", body(hashes={"type": "md5"}), "no_hashes"),
    ("too many hashes", body(hashes=[md5() for _ in range(1001)]), "too_many_hashes"),
    ("hash not an object", body(hashes=["0123"]), "invalid_hash"),
    ("extra key in a hash", body(hashes=[{**md5(), "name": "me.jpg"}]), "invalid_hash"),
    ("unknown type", body(hashes=[{"type": "sha1", "value": GOOD_MD5}]), "invalid_signal_type"),
    ("type missing", body(hashes=[{"value": GOOD_MD5}]), "invalid_signal_type"),
    ("value not a string", body(hashes=[{"type": "md5", "value": 12}]), "invalid_md5"),
    ("value too long", body(hashes=[{"type": "md5", "value": "a" * 300}]), "invalid_md5"),
    ("md5 too short", body(hashes=[{"type": "md5", "value": GOOD_MD5[:-1]}]), "invalid_md5"),
    ("md5 not hex", body(hashes=[{"type": "md5", "value": "g" * 32}]), "invalid_md5"),
    (
        "pdq too short",
        body(hashes=[{"type": "pdq", "value": "ab" * 31, "quality": 90}]),
        "invalid_pdq",
    ),
    (
        "pdq not hex",
        body(hashes=[{"type": "pdq", "value": "z" * 64, "quality": 90}]),
        "invalid_pdq",
    ),
    (
        "pdq all zero",
        body(hashes=[{"type": "pdq", "value": "0" * 64, "quality": 90}]),
        "degenerate_pdq",
    ),
    ("pdq without quality", body(hashes=[{"type": "pdq", "value": GOOD_PDQ}]), "invalid_quality"),
    (
        "quality a string",
        body(hashes=[{"type": "pdq", "value": GOOD_PDQ, "quality": "90"}]),
        "invalid_quality",
    ),
    (
        "quality a float",
        body(hashes=[{"type": "pdq", "value": GOOD_PDQ, "quality": 90.5}]),
        "invalid_quality",
    ),
    (
        "quality a boolean",
        body(hashes=[{"type": "pdq", "value": GOOD_PDQ, "quality": True}]),
        "invalid_quality",
    ),
    (
        "quality over 100",
        body(hashes=[{"type": "pdq", "value": GOOD_PDQ, "quality": 101}]),
        "invalid_quality",
    ),
    (
        "quality negative",
        body(hashes=[{"type": "pdq", "value": GOOD_PDQ, "quality": -1}]),
        "invalid_quality",
    ),
    (
        "md5 with a quality",
        body(hashes=[{"type": "md5", "value": GOOD_MD5, "quality": 90}]),
        "invalid_quality",
    ),
    ("phash too long", body(hashes=[{"type": "phash", "value": "a" * 17}]), "invalid_phash"),
    (
        "low quality pdq",
        body(hashes=[{"type": "pdq", "value": GOOD_PDQ, "quality": 49}]),
        "low_quality_pdq",
    ),
    (
        "bad hash after good ones",
        body(hashes=[md5(), pdq(), {"type": "md5", "value": "x"}]),
        "invalid_md5",
    ),
    ("no attestations", {"hashes": [md5()]}, "attestation_required"),
    ("attestations not an object", body(attestations=True), "attestation_required"),
    (
        "attestation false",
        body(attestations={**ATTESTED, "consent": False}),
        "attestation_required",
    ),
    (
        "attestation truthy string",
        body(attestations={**ATTESTED, "adult": "yes"}),
        "attestation_required",
    ),
    (
        "attestation missing",
        body(attestations={"adult": True, "depicted": True}),
        "attestation_required",
    ),
    (
        "pdq of a repeated pattern",
        body(hashes=[{"type": "pdq", "value": "5a" * 32, "quality": 100}]),
        "degenerate_pdq",
    ),
    (
        "pdq with few bits set",
        body(hashes=[{"type": "pdq", "value": "0" * 56 + "0f1e2d3c", "quality": 100}]),
        "degenerate_pdq",
    ),
    ("phash alone", body(hashes=[{"type": "phash", "value": "c3e1f0f8fcfe7f3f"}]), "phash_only"),
]


@pytest.mark.parametrize(("name", "payload", "code"), CASES, ids=[c[0] for c in CASES])
def test_a_malformed_submission_is_refused_and_writes_nothing(browser_client, name, payload, code):
    response = post_json(browser_client, "/api/v1/submissions", payload)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert not Case.objects.exists()
    assert not CaseSignal.objects.exists()
    assert not Signal.objects.filter(active_holds__gt=0).exists()


def test_a_body_that_is_not_declared_as_json_is_refused(browser_client):
    # A plain form body (a multipart one is refused earlier, unread: tests/core/test_no_upload.py).
    response = post_form(
        browser_client,
        "/api/v1/submissions",
        {"hashes": "x"},
        HTTP_X_CSRFTOKEN=browser_client.token,
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "not_json"
    assert not Case.objects.exists()


def test_a_body_over_the_size_limit_is_refused(browser_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post_json(
        browser_client, "/api/v1/submissions", body(hashes=[md5() for _ in range(20)])
    )
    assert response.status_code == 413  # from the Content-Length, before a byte is read
    assert response.json()["error"]["code"] == "body_too_large"
    assert not Case.objects.exists()


def test_a_refused_submission_names_the_index_of_the_bad_hash(browser_client):
    response = post_json(
        browser_client,
        "/api/v1/submissions",
        body(hashes=[md5(), md5(), {"type": "md5", "value": "x"}]),
    )
    assert response.json()["error"]["detail"] == {"index": 2}

"""Photos as items on the status page and in the API: the submission carries the grouping (the
browser hasher's `file`, the offline hasher's entries), withdrawing a photo withdraws its MD5 and
PDQs, and the page asks first, saying what stops working."""

from __future__ import annotations

import json

import numpy as np
import pytest
from django.test import Client
from PIL import Image

from hashbank.cases import services
from hashbank.cases.models import Case, CaseSignal
from hashbank.hasher.cli import main as offline_hasher
from tests.fixtures.values import ATTESTED, md5, pdq
from tests.submissions.conftest import open_case, post_form, post_json


@pytest.fixture
def two_photos(db):
    hashes = [{**md5(), "file": 0}, {**pdq(), "file": 0}, {**md5(), "file": 1}]
    return services.submit_case(hashes=hashes, attestations=ATTESTED)


def credentials(case, pin) -> dict:
    return {"case_number": case.number, "pin": pin}


def test_the_api_takes_the_grouping_and_reports_each_hashs_item(browser_client):
    hashes = [{**md5(), "file": 0}, {**pdq(), "file": 0}, {**md5(), "file": 1}]
    created = post_json(
        browser_client, "/api/v1/submissions", {"hashes": hashes, "attestations": ATTESTED}
    )
    assert created.status_code == 201
    body = post_json(browser_client, "/api/v1/cases/status", created.json()).json()
    items = [item["item"] for item in body["hashes"]]
    assert items[0] == items[1] != items[2]


def test_a_bad_file_number_is_refused_with_its_index(browser_client):
    response = post_json(
        browser_client,
        "/api/v1/submissions",
        {"hashes": [md5(), {**md5(), "file": "photo.jpg"}], "attestations": ATTESTED},
    )
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "invalid_file",
        "message": response.json()["error"]["message"],
        "detail": {"index": 1},
    }


@pytest.mark.usefixtures("no_cooling_off")
def test_withdrawing_an_item_through_the_api_withdraws_all_its_hashes(browser_client, two_photos):
    case, pin = two_photos
    photo = CaseSignal.objects.filter(case=case).first().item
    body = post_json(
        browser_client, "/api/v1/cases/withdraw", {**credentials(case, pin), "items": [photo]}
    ).json()
    statuses = {h["item"] == photo: set() for h in body["hashes"]}
    for h in body["hashes"]:
        statuses[h["item"] == photo].add(h["status"])
    assert statuses[True] == {"withdrawn"}
    assert statuses[False] <= {"pending", "active"}


@pytest.mark.parametrize(
    "choice",
    [{"items": ["nope"]}, {"items": [1]}, {"items": []}, {"hashes": "all", "items": "all"}, {}],
)
def test_a_bad_item_choice_is_refused_and_changes_nothing(browser_client, two_photos, choice):
    case, pin = two_photos
    response = post_json(
        browser_client, "/api/v1/cases/withdraw", {**credentials(case, pin), **choice}
    )
    assert response.status_code in (400, 404)
    assert response.json()["error"]["code"] in ("invalid_hash_ids", "unknown_hash")
    assert not CaseSignal.objects.filter(case=case, withdrawal_due_at__isnull=False).exists()
    assert not CaseSignal.objects.filter(case=case, status="withdrawn").exists()


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_page_asks_before_withdrawing_everything_and_says_what_stops_working(
    two_photos, settings, language
):
    settings.HASHBANK_WITHDRAWAL_COOLING_OFF = 86400
    case, pin = two_photos
    client = Client()
    client.cookies["django_language"] = language
    open_case(client, case, pin)
    page = client.get("/status/withdraw/", {"item": "all"}).content.decode()
    words = {
        "en": (
            "Withdraw everything in this case?",
            "your 2\n  photos and videos",
            "24 hours from now",
        ),
        "es": ("¿Retirar todo lo de este caso?", "sus 2 fotos y vídeos", "dentro de 24 horas"),
    }[language]
    heading, what, when = words
    assert heading in page and when in page
    assert " ".join(what.split()) in " ".join(page.split())
    assert 'name="confirm" value="yes"' in page
    assert not CaseSignal.objects.filter(case=case, withdrawal_due_at__isnull=False).exists()


def test_the_offline_hashers_text_keeps_each_files_hashes_together(db, tmp_path, capsys):
    rng = np.random.default_rng(11)
    for name in ("holiday.png", "beach.png"):
        Image.fromarray(rng.integers(0, 255, (96, 128, 3), dtype=np.uint8)).save(tmp_path / name)
    out = tmp_path / "hashes.json"
    files = [str(tmp_path / "holiday.png"), str(tmp_path / "beach.png")]
    assert offline_hasher([*files, "-o", str(out)]) == 0
    capsys.readouterr()
    document = json.loads(out.read_text())
    body = {"adult": "yes", "depicted": "yes", "consent": "yes", "hashes": out.read_text()}
    response = post_form(Client(), "/submit/offline/", body)
    assert response.status_code == 201
    rows = CaseSignal.objects.filter(case=Case.objects.get()).select_related("signal")
    by_value = {row.signal.value: row.item for row in rows}
    for entry in document["files"]:
        mine = {
            by_value[value]
            for key, value in entry.items()
            if key in ("md5", "pdq", "pdq_oriented", "pdq_clipped") and value in by_value
        }
        assert len(mine) == 1
    assert len(set(by_value.values())) == 2
    assert not any("holiday" in item or "beach" in item for item in by_value.values())

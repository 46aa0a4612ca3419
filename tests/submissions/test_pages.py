"""The victim pages render, are safe by their headers, and work without JavaScript."""

import re

import pytest
from django.test import Client

from hashbank.cases import services
from hashbank.cases.models import CaseSignal
from tests.fixtures.values import ATTESTED, md5, pdq
from tests.submissions.conftest import post_form


@pytest.mark.parametrize(
    "path", ["/", "/submit/", "/status/", "/help/", "/privacy/", "/about/", "/platforms/"]
)
def test_every_page_has_the_quick_exit_and_the_language_switcher(db, client, path):
    page = client.get(path).content.decode()
    assert "data-quick-exit" in page
    assert 'action="/i18n/setlang/"' in page


@pytest.mark.parametrize(
    "path", ["/", "/submit/", "/status/", "/help/", "/privacy/", "/about/", "/platforms/"]
)
def test_pages_have_a_strict_csp_no_referrer_and_no_inline_script_or_style(db, client, path):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["Referrer-Policy"] == "no-referrer"
    page = response.content.decode()
    for script in re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S):
        attributes, body = script
        assert 'src="/static/' in attributes or 'type="application/json"' in attributes
        assert 'type="application/json"' in attributes or not body.strip()
    assert " style=" not in page and "<style" not in page
    assert not re.search(r"\son[a-z]+=", page)  # no inline event handlers
    # No external assets (the status page's own address, printed for the person, is text).
    page = re.sub(r'<dd id="result-address"[^>]*>[^<]*</dd>', "", page)
    assert "http://" not in re.sub(r'href="https?://[^"]+"', "", page)


def test_pages_set_no_cookie_but_the_csrf_token(db):
    client = Client()
    for path in ["/", "/submit/", "/status/"]:
        client.get(path)
    assert set(client.cookies) <= {"csrftoken"}


def test_the_submission_page_offers_the_offline_hasher_without_javascript(db, client):
    page = client.get("/submit/").content.decode()
    noscript = re.search(r"<noscript>(.*?)</noscript>", page, re.S).group(1)
    assert "python -m hashbank.hasher" in noscript
    assert 'action="/submit/offline/"' in noscript and "enctype" not in noscript
    assert '<textarea id="offline-hashes" name="hashes"' in noscript
    assert "csrfmiddlewaretoken" in noscript
    # The script-driven steps start hidden, so without JavaScript only the offline path shows.
    assert re.search(r'<div id="flow"[^>]*\shidden', page)


def test_the_language_switcher_turns_the_pages_into_spanish(db):
    client = Client()
    client.get("/")
    response = post_form(client, "/i18n/setlang/", {"language": "es", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert '<html lang="es">' in page
    assert "Salir rápido de este sitio" in page
    assert set(client.cookies) <= {"csrftoken", "django_language"}


@pytest.mark.usefixtures("no_cooling_off")
def test_the_status_page_shows_each_photo_and_withdraws_one_without_javascript(db):
    first, second = [md5(), pdq()], [md5()]
    hashes = [{**h, "file": 0} for h in first] + [{**h, "file": 1} for h in second]
    case, pin = services.submit_case(hashes=hashes, attestations=ATTESTED)
    client = Client()
    opened = post_form(client, "/status/", {"case_number": case.number, "pin": pin})
    assert (opened.status_code, opened["Location"]) == (303, "/status/")
    page = client.get("/status/").content.decode()
    assert page.count("data-item-id=") == 2
    assert page.count("data-hash-id=") == 3
    assert pin not in page  # the view is in the cookie, not the PIN in the page
    target = CaseSignal.objects.filter(case=case).first()
    asked = client.get("/status/withdraw/", {"item": target.item})
    assert asked.status_code == 200
    assert "What stops working" in asked.content.decode()
    assert CaseSignal.objects.filter(case=case, status="withdrawn").count() == 0
    done = post_form(client, "/status/withdraw/", {"item": target.item, "confirm": "yes"})
    assert (done.status_code, done["Location"]) == (303, "/status/?done=withdrawn")
    page = client.get(done["Location"]).content.decode()
    assert "Withdrawn. Platforms will stop matching it" in page
    assert f'data-item-id="{target.item}" data-item-number="1" data-status="withdrawn"' in page
    rows = CaseSignal.objects.filter(case=case)
    assert {row.status for row in rows if row.item == target.item} == {"withdrawn"}
    assert {row.status for row in rows if row.item != target.item} == {"active"}


def test_the_case_view_is_a_short_lived_cookie_for_the_status_pages_only(db):
    case, pin = services.submit_case(hashes=[md5()], attestations=ATTESTED)
    client = Client()
    opened = post_form(client, "/status/", {"case_number": case.number, "pin": pin})
    cookie = opened.cookies["hb_case"]
    assert cookie["path"] == "/status/" and cookie["max-age"] == 900
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    assert case.number not in cookie.value and pin not in cookie.value
    closed = post_form(client, "/status/close/", {})
    assert closed.status_code == 303
    assert "data-item-id" not in client.get("/status/").content.decode()


def test_a_tampered_or_foreign_case_view_shows_the_form(db):
    case, pin = services.submit_case(hashes=[md5()], attestations=ATTESTED)
    client = Client()
    post_form(client, "/status/", {"case_number": case.number, "pin": pin})
    value = client.cookies["hb_case"].value
    client.cookies["hb_case"] = value.replace(f"{case.pk}:", f"{case.pk + 1}:", 1)
    assert 'id="case-number"' in client.get("/status/").content.decode()
    response = client.get("/status/withdraw/", {"item": "all"})
    assert (response.status_code, response["Location"]) == (303, "/status/?ended=1")


def test_withdrawing_without_an_open_case_changes_nothing(db):
    case, _ = services.submit_case(hashes=[md5()], attestations=ATTESTED)
    response = post_form(Client(), "/status/withdraw/", {"item": "all", "confirm": "yes"})
    assert response.status_code == 303
    assert set(CaseSignal.objects.filter(case=case).values_list("status", flat=True)) == {"active"}


def test_the_status_page_refuses_a_wrong_pin_with_a_plain_message(db):
    case, _ = services.submit_case(hashes=[md5()], attestations=ATTESTED)
    response = post_form(Client(), "/status/", {"case_number": case.number, "pin": "000000000000"})
    assert response.status_code == 403
    assert "not right" in response.content.decode()


def test_a_form_posted_without_its_csrf_token_gets_a_plain_page(db):
    response = post_form(
        Client(enforce_csrf_checks=True), "/status/", {"case_number": "x", "pin": "y"}
    )
    assert response.status_code == 403
    assert "The page expired" in response.content.decode()

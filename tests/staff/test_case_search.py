"""Finding cases: one search box (a number or its start, an MD5 or PDQ hash, a PDQ within a
distance), the filtered list paged by keyset, assignment and "my cases", and the CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hashbank.audit.models import AuditEntry
from hashbank.cases import services as cases
from hashbank.cases.models import Case
from hashbank.cases.pins import format_case_number
from hashbank.ledger import services as ledger
from tests.fixtures.staff import signed_in
from tests.fixtures.values import ATTESTED, md5, pdq

pytestmark = pytest.mark.django_db


@pytest.fixture
def cora(make_staff):
    return make_staff("caseworker", username="cora")


@pytest.fixture
def caseworker(cora):
    return signed_in(cora)


def submit(*hashes, **kwargs) -> Case:
    return cases.submit_case(hashes=list(hashes) or [md5()], attestations=ATTESTED, **kwargs)[0]


def flip(value: str, bits: int) -> str:
    """`value` with its lowest `bits` bits inverted: exactly that Hamming distance away."""
    return f"{int(value, 16) ^ ((1 << bits) - 1):064x}"


def listed(response) -> list[str]:
    body = response.content.decode()
    return [
        number
        for pk, number in Case.objects.values_list("pk", "number")
        if f'href="/staff/cases/{pk}/"' in body
    ]


def test_a_whole_case_number_in_any_spelling_opens_the_case(caseworker):
    case = submit()
    shown = format_case_number(case.number)
    for typed in (shown, shown.lower(), case.number, f" {shown} "):
        response = caseworker.get("/staff/cases/", {"q": typed})
        assert response.status_code == 302 and response["Location"] == f"/staff/cases/{case.pk}/"


def test_the_search_box_posts_so_no_number_or_hash_is_put_in_a_url(caseworker):
    case = submit(pdq())
    page = caseworker.get("/staff/cases/").content.decode()
    assert '<form method="post" action="/staff/cases/" class="filters" role="search"' in page
    response = caseworker.post("/staff/cases/", {"q": format_case_number(case.number)})
    assert response.status_code == 302 and response["Location"] == f"/staff/cases/{case.pk}/"
    response = caseworker.post("/staff/cases/", {"q": case.number[2:6]})
    assert response.status_code == 200 and case.number in listed(response)
    value = case.case_signals.get().signal.value
    response = caseworker.post("/staff/cases/", {"q": value, "distance": "10"})
    assert response.status_code == 200 and listed(response) == [case.number]
    for url in re.findall(r'(?:href|action)="([^"]+)"', response.content.decode()):
        assert case.number not in url.replace("-", "").upper() and value not in url, url


def test_the_start_of_a_number_lists_the_cases_it_begins_with(caseworker):
    case, other = submit(), submit()
    start = case.number[2:6]
    response = caseworker.get("/staff/cases/", {"q": start.lower()})
    assert response.status_code == 200
    assert case.number in listed(response)
    assert (other.number in listed(response)) == other.number.startswith("HB" + start)
    response = caseworker.get("/staff/cases/", {"q": f"HB-{start}"})
    assert case.number in listed(response)


def test_an_md5_value_finds_every_case_holding_it_and_nothing_else(caseworker):
    value = md5()
    first, second, unrelated = submit(value), submit(value), submit()
    response = caseworker.get("/staff/cases/", {"q": value["value"].upper()})
    assert sorted(listed(response)) == sorted([first.number, second.number])
    assert unrelated.number not in listed(response)


def test_a_pdq_value_matches_exactly_or_within_the_distance_asked(caseworker):
    base = pdq()
    exact = submit(base)
    near = submit({"type": "pdq", "value": flip(base["value"], 20), "quality": 90})
    far = submit({"type": "pdq", "value": flip(base["value"], 40), "quality": 90})
    value = base["value"]
    assert listed(caseworker.get("/staff/cases/", {"q": value})) == [exact.number]
    within = caseworker.get("/staff/cases/", {"q": f"pdq:{value}~31"})
    assert sorted(listed(within)) == sorted([exact.number, near.number])
    body = within.content.decode()
    assert "<td>20</td>" in body and "<td>0</td>" in body  # the distances, in bits
    field = caseworker.get("/staff/cases/", {"q": value, "distance": "45"})
    assert sorted(listed(field)) == sorted([exact.number, near.number, far.number])


@pytest.mark.parametrize(
    ("typed", "distance", "says"),
    [
        ("hello world!", "", "neither a case number nor a hash"),
        ("md5:abc", "", "md5 hash is 32 hexadecimal characters"),
        ("f" * 32 + "~3", "", "Only PDQ hashes are matched within a distance"),
        ("a" * 64, "300", "from 0 to 64"),
        ("a" * 64, "near", "whole number of bits"),
    ],
)
def test_what_is_neither_a_number_nor_a_hash_is_explained(caseworker, typed, distance, says):
    response = caseworker.get("/staff/cases/", {"q": typed, "distance": distance})
    assert response.status_code == 400
    assert says in response.content.decode()


def test_the_list_pages_newest_first_by_keyset_without_offset_or_count(caseworker, settings):
    made = [submit() for _ in range(55)]
    newest_first = [
        c.number for c in sorted(made, key=lambda c: (c.created_at, c.pk), reverse=True)
    ]
    with CaptureQueriesContext(connection) as queries:
        first = caseworker.get("/staff/cases/")
    sql = " ".join(q["sql"].upper() for q in queries.captured_queries)
    assert "OFFSET" not in sql and "COUNT(" not in sql
    page_one = listed(first)
    assert set(page_one) == set(newest_first[:50])
    body = first.content.decode()
    after = body.split("after=", 1)[1].split('"', 1)[0].replace("%3A", ":").replace("%2B", "+")
    second = caseworker.get("/staff/cases/", {"after": after})
    assert set(listed(second)) == set(newest_first[50:])
    assert "Older cases" not in second.content.decode()


def test_filters_narrow_the_list_to_locked_assisted_suspended_under_review_and_dates(
    caseworker, cora, world, signing_key
):
    plain = submit()
    locked = submit()
    Case.objects.filter(pk=locked.pk).update(locked_at=timezone.now())
    assisted = submit(staff_assisted=True, actor=cora)
    suspended = submit(pdq())
    ledger.seal()
    cases.suspend(case_signal=suspended.case_signals.get(), actor=cora, reason="checking")
    old = submit()
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=40))

    def only(**query):
        return set(listed(caseworker.get("/staff/cases/", query)))

    assert only(locked="1") == {locked.number}
    assert only(assisted="1") == {assisted.number}
    assert only(suspended="1") == {suspended.number}
    assert only(review="1") == {world.case.number}  # the world's open dispute
    since = (timezone.now() - dt.timedelta(days=41)).date().isoformat()
    until = (timezone.now() - dt.timedelta(days=39)).date().isoformat()
    assert only(since=since, until=until) == {old.number}
    assert plain.number in only()


def test_assigning_a_case_is_audited_and_puts_it_in_my_cases(caseworker, cora, make_staff):
    case, other = submit(), submit()
    response = caseworker.post(f"/staff/cases/{case.pk}/assign/", {"assignee": "me"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assignee == cora
    entry = AuditEntry.objects.get(action="case.assigned")
    assert entry.target == f"case:{case.number}" and entry.after == {"assignee": "cora"}
    assert listed(caseworker.get("/staff/cases/mine/")) == [case.number]
    assert listed(caseworker.get("/staff/cases/", {"mine": "1"})) == [case.number]
    page = caseworker.get(f"/staff/cases/{case.pk}/").content.decode()
    assert "Assigned to cora by cora" in page.replace('<span class="who">', "")
    assert other.number not in listed(caseworker.get("/staff/cases/mine/"))


def test_a_case_is_assigned_only_to_staff_who_work_on_cases(caseworker, make_staff):
    make_staff("member manager", username="mona")
    case = submit()
    response = caseworker.post(f"/staff/cases/{case.pk}/assign/", {"assignee": "mona"}, follow=True)
    assert "Choose a staff account that works on cases." in response.content.decode()
    case.refresh_from_db()
    assert case.assignee is None
    assert not AuditEntry.objects.filter(action="case.assigned").exists()


def export(client, **query) -> list[dict]:
    response = client.get("/staff/cases/export.csv", query)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_csv_export_follows_the_filter_and_is_audited_without_hash_values(caseworker):
    value = md5()
    locked = submit(value, md5())
    Case.objects.filter(pk=locked.pk).update(locked_at=timezone.now())
    submit()
    rows = export(caseworker, locked="1")
    assert [row["case"] for row in rows] == [format_case_number(locked.number)]
    assert rows[0]["hashes"] == "2" and rows[0]["active"] == "2" and rows[0]["locked"] == "yes"
    assert "hash_values" not in rows[0]
    entry = AuditEntry.objects.get(action="case.list_exported")
    assert entry.after == {"filter": {"locked": True}, "hash_values": False}


def test_administrators_export_hash_values_too(make_staff):
    value = md5()
    submit(value)
    rows = export(signed_in(make_staff("administrator")))
    assert rows[0]["hash_values"] == f"md5:{value['value']}"
    assert AuditEntry.objects.get(action="case.list_exported").after["hash_values"] is True

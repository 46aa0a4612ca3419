"""Auditors filter the log, export it as CSV, and see tampering reported by the chain check."""

from __future__ import annotations

import csv
import io

import pytest

from hashbank.audit.services import record_event
from tests.audit.test_chain import tamper
from tests.fixtures.staff import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(make_staff):
    return signed_in(make_staff("auditor"))


@pytest.fixture
def entries(db):
    record_event(actor="alice", action="case.note_added", target="case:AAAA", after={"note": 1})
    record_event(
        actor="bob",
        action="member.suspended",
        target="acme",
        member="acme",
        before={"status": "active"},
        after={"status": "suspended"},
    )
    record_event(actor="alice", action="case.unlocked", target='=HYPERLINK("http://x")')


def test_filter_by_actor_and_action_prefix(auditor, entries):
    body = auditor.get("/staff/audit/?actor=alice&action=case.").content.decode()
    assert "case:AAAA" in body and "case.unlocked" in body and "member.suspended" not in body
    body = auditor.get("/staff/audit/?member=acme").content.decode()
    assert "member.suspended" in body and "case:AAAA" not in body


def test_csv_export_has_every_filtered_entry_and_defuses_formulas(auditor, entries):
    response = auditor.get("/staff/audit/export.csv?actor=alice")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["target"] for r in rows] == ['\'=HYPERLINK("http://x")', "case:AAAA"]  # defused
    assert rows[1]["after"] == '{"note": 1}' and rows[1]["actor"] == "alice"
    assert len(rows[0]["entry_hash"]) == 64


def test_chain_check_page_reports_intact_then_tampered(auditor, entries):
    response = auditor.get("/staff/audit/verify")
    assert response.status_code == 200 and "Intact" in response.content.decode()
    tamper("UPDATE audit_auditentry SET actor_name = 'carol' WHERE seq = 1")
    response = auditor.get("/staff/audit/verify")
    assert response.status_code == 409
    assert "Tampering detected" in response.content.decode()
    assert "at entry 1" in response.content.decode()


def test_caseworker_cannot_read_the_log(make_staff, entries):  # noqa: F811
    client = signed_in(make_staff("caseworker"))
    assert client.get("/staff/audit/").status_code == 403
    assert client.get("/staff/audit/export.csv").status_code == 403

"""Staff see, per hash of a case, which members applied its add and its removal and when; they
download a removal's proof; the dashboard lists members behind on removals, longest first."""

from __future__ import annotations

import pytest

from hashbank.audit.models import AuditEntry
from hashbank.cases import services as cases
from hashbank.cases.models import CaseSignal
from hashbank.ledger import selectors as ledger
from member_portal import verify
from member_portal.members import services as members
from tests.fixtures.staff import signed_in
from tests.fixtures.values import MD5_VALUE


@pytest.fixture
def caseworker(make_staff):
    return signed_in(make_staff("caseworker"))


@pytest.fixture
def withdrawn(publish, member, other_member):
    case, checkpoint = publish([("md5", MD5_VALUE)])
    members.acknowledge_checkpoint(member=member, size=checkpoint.size)
    members.acknowledge_checkpoint(member=other_member, size=checkpoint.size)
    cases.withdraw(case=case)
    removal = publish.seal()
    members.acknowledge_checkpoint(member=member, size=removal.size)
    return case, CaseSignal.objects.get(case=case)


def _row(page: str, slug: str) -> str:
    start = page.index(f'data-member="{slug}"')
    return page[start : page.index("</tr>", start)]


def test_the_case_page_shows_who_applied_the_add_and_the_removal(withdrawn, caseworker):
    case, _row_signal = withdrawn
    page = caseworker.get(f"/staff/cases/{case.pk}/").content.decode()
    acme, globex = _row(page, "acme"), _row(page, "globex")
    assert "not yet" not in acme
    assert "<strong>not yet</strong>" in globex  # applied the add, not the removal
    assert "plain ack" in acme


def test_staff_download_a_removal_proof_that_verifies(withdrawn, caseworker):
    case, row = withdrawn
    response = caseworker.get(f"/staff/cases/{case.pk}/hashes/{row.pk}/removal-proof")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    root = verify.trust_root(ledger.root_documents()[0])
    done = verify.verify_removal_proof(response.content.decode(), root)
    assert done.target == row.signal.add_seq
    assert AuditEntry.objects.filter(action="case.removal_proof_downloaded").count() == 1


def test_an_active_hash_has_no_removal_proof(publish, caseworker):
    case, _ = publish([("md5", MD5_VALUE)])
    row = CaseSignal.objects.get(case=case)
    response = caseworker.get(f"/staff/cases/{case.pk}/hashes/{row.pk}/removal-proof")
    assert response.status_code == 404


def test_the_dashboard_lists_members_behind_on_removals(withdrawn, make_staff):
    client = signed_in(make_staff("administrator"))
    page = client.get("/staff/").content.decode()
    section = page[page.index('id="h-removals"') :]
    assert 'data-behind="globex"' in section
    assert 'data-behind="acme"' not in section

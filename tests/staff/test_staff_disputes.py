"""Staff raise a dispute from the case page: it joins members' disputes in the review queue, by
age, names who raised it, and is decided like a member's. Bad input is explained and writes
nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from hashbank.audit.models import AuditEntry
from hashbank.disputes.models import Dispute
from tests.fixtures.staff import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseworker(make_staff):
    user = make_staff("caseworker", username="casey")
    return signed_in(user), user


def dispute_url(world, row) -> str:
    return f"/staff/cases/{world.case.pk}/hashes/{row.pk}/dispute/"


def raise_on_md5(world, client, **form):
    data = {"reason": "not_the_person", "note": "The person says this photo is not of them."}
    return client.post(dispute_url(world, world.case_signal("md5")), {**data, **form}, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_raised_dispute_is_open_names_the_staff_member_and_no_member(world, caseworker):
    client, user = caseworker
    response = raise_on_md5(world, client)
    assert response.redirect_chain == [(f"/staff/cases/{world.case.pk}/", 302)]
    dispute = Dispute.objects.exclude(pk=world.dispute.pk).get()
    assert dispute.status == "open" and dispute.member is None and dispute.raised_by == user
    assert dispute.signal == world.case_signal("md5").signal
    assert dispute.reason == "not_the_person"
    assert messages_of(response) == [
        f"Dispute {dispute.pk} raised: it waits in the review queue for a decision."
    ]


def test_staff_raised_dispute_is_queued_by_age_with_members_disputes(world, caseworker):
    client, _ = caseworker
    raise_on_md5(world, client)
    staff_raised = Dispute.objects.get(member__isnull=True)
    queue = client.get("/staff/review/")
    assert [d.pk for d in queue.context["disputes"]] == [world.dispute.pk, staff_raised.pk]
    # Made older than the member's, it comes first: the queue orders by age, not by who raised.
    Dispute.objects.filter(pk=staff_raised.pk).update(
        created_at=world.dispute.created_at - dt.timedelta(hours=1)
    )
    queue = client.get("/staff/review/")
    assert [d.pk for d in queue.context["disputes"]] == [staff_raised.pk, world.dispute.pk]


def test_queue_and_dispute_page_show_who_raised_it(world, caseworker):
    client, _ = caseworker
    raise_on_md5(world, client)
    staff_raised = Dispute.objects.get(member__isnull=True)
    queue = client.get("/staff/review/").content.decode()
    assert "Staff: casey" in queue and "Acme Video (acme)" in queue
    page = client.get(f"/staff/review/{staff_raised.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Staff: casey" in body and "The person says this photo is not of them." in body
    assert "Member" not in body.split("<h2>", 1)[0].split("<h1>", 1)[1]


def test_dispute_page_for_a_staff_raised_dispute_asks_for_a_reason_for_the_record(
    world, caseworker, make_staff
):
    client, _ = caseworker
    raise_on_md5(world, client)
    staff_raised = Dispute.objects.get(member__isnull=True)
    reviewer = signed_in(make_staff("dispute reviewer", username="rita"))
    body = reviewer.get(f"/staff/review/{staff_raised.pk}/").content.decode()
    assert "Reason, for the record" in body and "Reason the member will read" not in body


def test_upholding_a_staff_raised_dispute_removes_the_signal_through_the_ledger(
    world, caseworker, make_staff, settings
):
    settings.HASHBANK_DISPUTE_REVIEWERS = 1  # a small helpline: one reviewer decides
    from hashbank.ledger import services as ledger
    from hashbank.ledger.models import Entry

    client, _ = caseworker
    raise_on_md5(world, client)
    staff_raised = Dispute.objects.get(member__isnull=True)
    row = world.case_signal("md5")
    reviewer = signed_in(make_staff("dispute reviewer", username="rita"))
    response = reviewer.post(
        f"/staff/review/{staff_raised.pk}/uphold/",
        {"reason_code": "not_the_person", "reason": "Confirmed with the person."},
    )
    assert response.status_code == 302 and response["Location"] == "/staff/review/"
    row.refresh_from_db()
    assert row.status == "removed"
    ledger.seal()
    signal = row.signal
    signal.refresh_from_db()
    assert (signal.state, signal.removal_reason) == ("removed", "dispute_upheld")
    assert Entry.objects.filter(signal=signal, kind=Entry.REMOVE).count() == 1
    staff_raised.refresh_from_db()
    assert staff_raised.status == "upheld" and staff_raised.decision_code == "not_the_person"


def test_case_page_offers_the_form_for_each_hash_not_already_under_dispute(world, caseworker):
    client, _ = caseworker
    body = client.get(f"/staff/cases/{world.case.pk}/").content.decode()
    md5_row, pdq_row = world.case_signal("md5"), world.case_signal("pdq")
    assert f'action="{dispute_url(world, md5_row)}"' in body
    # The PDQ hash already has the member's open dispute: no second one from here.
    assert f'action="{dispute_url(world, pdq_row)}"' not in body
    assert "Already under dispute." in body
    for value, _ in Dispute.Reason.choices:
        assert f'<option value="{value}">' in body


def test_case_page_has_no_dispute_form_for_roles_without_the_permission(world, make_staff):
    auditor = signed_in(make_staff("auditor"))
    body = auditor.get(f"/staff/cases/{world.case.pk}/").content.decode()
    assert "/dispute/" not in body and "Raise a dispute" not in body


def test_note_line_breaks_count_once_as_the_browser_counts_them(world, caseworker):
    client, _ = caseworker
    note = "\r\n".join(["x" * 9] * 200)  # 1999 characters in the browser, 2198 as sent
    response = raise_on_md5(world, client, note=note)
    assert "raised" in messages_of(response)[0]
    assert Dispute.objects.get(member__isnull=True).note == note.replace("\r\n", "\n")


BAD_FORMS = [
    pytest.param({"reason": "spam"}, "Choose a reason from the list.", id="unknown reason"),
    pytest.param({"reason": ""}, "Choose a reason from the list.", id="no reason"),
    pytest.param(
        {"note": "x" * 2001},
        "The note is 2001 characters long; keep it to 2000.",
        id="note too long",
    ),
]


@pytest.mark.parametrize(("form", "message"), BAD_FORMS)
def test_bad_form_is_explained_and_writes_nothing(world, caseworker, form, message):
    client, _ = caseworker
    disputes, entries = Dispute.objects.count(), AuditEntry.objects.count()
    response = raise_on_md5(world, client, **form)
    assert response.status_code == 200
    assert messages_of(response) == [message]
    assert (Dispute.objects.count(), AuditEntry.objects.count()) == (disputes, entries)


def test_hash_already_under_an_open_dispute_is_refused_and_writes_nothing(world, caseworker):
    client, _ = caseworker
    entries = AuditEntry.objects.count()
    response = client.post(
        dispute_url(world, world.case_signal("pdq")), {"reason": "other"}, follow=True
    )
    assert messages_of(response) == [
        f"This hash is already under dispute {world.dispute.pk}; decide that one in the "
        "review queue."
    ]
    assert list(Dispute.objects.values_list("pk", flat=True)) == [world.dispute.pk]
    assert AuditEntry.objects.count() == entries


def test_a_second_staff_dispute_on_the_same_hash_is_refused(world, caseworker):
    client, _ = caseworker
    raise_on_md5(world, client)
    response = raise_on_md5(world, client)
    assert "already under dispute" in messages_of(response)[0]
    assert Dispute.objects.filter(member__isnull=True).count() == 1


def test_hash_that_is_not_in_the_case_is_refused_and_writes_nothing(world, caseworker):
    from hashbank.cases import services as cases
    from tests.fixtures.values import ATTESTED, md5

    other_case, _ = cases.submit_case(hashes=[md5()], attestations=ATTESTED)
    other_row = other_case.case_signals.get()
    client, _ = caseworker
    entries = AuditEntry.objects.count()
    for pk in (999_999, other_row.pk):
        response = client.post(
            f"/staff/cases/{world.case.pk}/hashes/{pk}/dispute/",
            {"reason": "other"},
            follow=True,
        )
        assert response.status_code == 200
        assert messages_of(response) == ["That hash is not in this case."]
    assert Dispute.objects.count() == 1 and AuditEntry.objects.count() == entries


def test_unknown_case_is_a_plain_not_found(db, caseworker):
    client, _ = caseworker
    response = client.post("/staff/cases/999999999/hashes/1/dispute/", {"reason": "other"})
    assert response.status_code == 404 and "No such case." in response.content.decode()
    assert not Dispute.objects.exists()


def test_withdrawn_hash_is_refused_and_writes_nothing(world, caseworker):
    from hashbank.cases import services as cases

    row = world.case_signal("md5")
    cases.withdraw(case=world.case, case_signal_ids=[row.pk])
    client, _ = caseworker
    entries = AuditEntry.objects.count()
    response = raise_on_md5(world, client)
    assert messages_of(response) == [
        "This hash is withdrawn: it is no longer in the feed, so there is nothing to dispute."
    ]
    assert Dispute.objects.count() == 1 and AuditEntry.objects.count() == entries


def test_suspended_hash_can_be_disputed(world, caseworker):
    from hashbank.cases import services as cases

    client, user = caseworker
    cases.suspend(case_signal=world.case_signal("md5"), actor=user, reason="checking")
    response = raise_on_md5(world, client)
    assert "raised" in messages_of(response)[0]
    assert Dispute.objects.filter(member__isnull=True, status="open").count() == 1

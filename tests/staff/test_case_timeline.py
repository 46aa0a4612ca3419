"""A case's timeline tells this case's story only: its own holds, how many other cases hold the
same value (a count, never which ones), and disputes, notes and unlocks in words."""

from __future__ import annotations

import html
import re

import pytest

from hashbank.cases import services as cases
from hashbank.disputes import services as disputes
from hashbank.ledger import services as ledger
from tests.fixtures.possession import prove_possession
from tests.fixtures.staff import signed_in
from tests.fixtures.values import ATTESTED, md5, pdq

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseworker(make_staff):
    return signed_in(make_staff("caseworker", username="cora"))


def timeline_of(client, case) -> list[str]:
    body = client.get(f"/staff/cases/{case.pk}/").content.decode()
    section = body.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    items = re.findall(r"<li>(.*?)</li>", section, flags=re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", item)).split(" ", 2)[-1].strip() for item in items]


def test_a_hash_withdrawn_here_is_not_shown_published_when_another_case_submits_it(
    signing_key, caseworker
):
    first, _ = cases.submit_case(hashes=[pdq(), md5()], attestations=ATTESTED)
    ledger.seal()
    row = first.case_signals.get(signal__signal_type="pdq")
    cases.withdraw(case=first, case_signal_ids=[row.pk])  # the person, on the status page
    ledger.seal()
    value = row.signal.value
    second, _ = cases.submit_case(
        hashes=[{"type": "pdq", "value": value, "quality": 90}], attestations=ATTESTED
    )
    ledger.seal()  # the value enters the feed again, for the second case

    events = timeline_of(caseworker, first)
    label = f"PDQ hash #{row.pk}"
    assert f"{label} withdrawn by the person" in events
    withdrawn_at = events.index(f"{label} withdrawn by the person")
    assert not any(label in e and "entered the feed" in e for e in events[withdrawn_at:])

    other_row = second.case_signals.get()
    later = timeline_of(caseworker, second)
    assert f"PDQ hash #{other_row.pk} entered the feed" in later


def test_the_page_counts_other_cases_holding_a_hash_and_never_names_them(signing_key, caseworker):
    shared = pdq()
    first, _ = cases.submit_case(hashes=[shared, md5()], attestations=ATTESTED)
    others = [cases.submit_case(hashes=[shared], attestations=ATTESTED)[0] for _ in range(2)]
    ledger.seal()
    body = caseworker.get(f"/staff/cases/{first.pk}/").content.decode()
    assert "also held by 2 other cases" in body
    assert "held by no other case" in body  # the MD5 hash
    for other in others:
        assert other.number not in body and other.number[2:6] not in body.replace("HB-", "")
    events = timeline_of(caseworker, others[1])
    row = others[1].case_signals.get()
    assert f"PDQ hash #{row.pk} entered the feed" in events


def test_a_hash_already_in_the_feed_says_so_instead_of_a_publication(signing_key, caseworker):
    shared = pdq()
    cases.submit_case(hashes=[shared], attestations=ATTESTED)
    ledger.seal()
    later, _ = cases.submit_case(hashes=[shared], attestations=ATTESTED)
    ledger.seal()
    row = later.case_signals.get()
    events = timeline_of(caseworker, later)
    assert (
        f"PDQ hash #{row.pk} was already in the feed: another case had submitted the same image"
        in events
    )
    assert not any("entered the feed" in e for e in events)


def test_staff_actions_read_in_words_with_who_did_them(world, caseworker, make_staff):
    nora = make_staff("dispute reviewer", username="nora")
    row = world.case_signal("md5")
    cases.add_note(case=world.case, actor=nora, text="Called back.")
    cases.suspend(case_signal=row, actor=nora, reason="checking with the person")
    cases.restore(case_signal=row, actor=nora)
    prove_possession(world.case, nora)
    cases.unlock_case(case=world.case, actor=nora)
    body = caseworker.get(f"/staff/cases/{world.case.pk}/").content.decode()
    events = timeline_of(caseworker, world.case)
    assert "Note added by nora" in events
    assert (
        f"MD5 hash #{row.pk} suspended from the feed while it is reviewed "
        "(reason: checking with the person) by nora" in events
    )
    assert f"MD5 hash #{row.pk} restored to the feed by nora" in events
    assert "Case unlocked: the person can use their PIN again by nora" in events
    assert "case.note_added" not in body and "case.unlocked" not in body
    assert "case.signal_" not in body


def test_disputes_on_the_case_hashes_are_listed_with_their_outcome(
    world, caseworker, make_staff, settings
):
    settings.HASHBANK_DISPUTE_REVIEWERS = 1  # a small helpline: one reviewer decides
    row = world.case_signal("pdq")
    disputes.uphold(
        dispute=world.dispute,
        reviewer=make_staff("dispute reviewer", username="rita"),
        reason_code="false_positive",
        reason="a landscape",
    )
    events = timeline_of(caseworker, world.case)
    d = world.dispute.pk
    assert (
        f"Dispute {d} raised by a member platform (Acme Video) about PDQ hash #{row.pk}: "
        "it matched the wrong images" in events
    )
    assert (
        f"Dispute {d} upheld: PDQ hash #{row.pk} removed from the feed for every case holding it"
        " by rita" in events
    )
    # The upheld dispute explains the removal; it is not told a second time.
    assert not any("removed from the feed after review" in e for e in events)


def test_an_assisted_case_names_the_caseworker_who_submitted_it(
    signing_key, caseworker, make_staff
):
    alex = make_staff("caseworker", username="alex")
    case, _ = cases.submit_case(
        hashes=[pdq(), md5()], attestations=ATTESTED, staff_assisted=True, actor=alex
    )
    events = timeline_of(caseworker, case)
    assert events[0] == "Case submitted with 2 hashes with a caseworker's help by alex"

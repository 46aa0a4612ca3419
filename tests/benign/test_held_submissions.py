"""The benign list (issue 17, poisoning): a submitted hash within the match distance of a benign
one is kept by the case but held out of the feed until a caseworker publishes or rejects it."""

from __future__ import annotations

import pytest

from hashbank.audit.models import AuditEntry
from hashbank.benign import selectors, services
from hashbank.benign.models import HeldMatch
from hashbank.cases import selectors as case_selectors
from hashbank.cases import services as cases
from hashbank.cases.errors import InvalidTransition
from hashbank.core.errors import DomainError
from hashbank.ledger import services as ledger
from hashbank.ledger.models import Entry
from hashbank.signals.models import Signal
from tests.fixtures.values import ATTESTED, random_pdq

pytestmark = pytest.mark.django_db(transaction=True)


def flip(value: str, bits: int) -> str:
    raw = bytearray(bytes.fromhex(value))
    for bit in range(bits):
        raw[bit // 8] ^= 1 << (bit % 8)
    return raw.hex()


def submit(*values: str):
    hashes = [{"type": "pdq", "value": v, "quality": 90} for v in values]
    case, _pin = cases.submit_case(hashes=hashes, attestations=ATTESTED)
    return case


@pytest.fixture
def benign_value(db):
    value = random_pdq()
    services.contribute(signal_type="pdq", value=value, source="member", contributed_by="acme")
    return value


def test_a_hash_near_a_benign_one_is_held_and_not_published(signing_key, benign_value):
    other = random_pdq()
    case = submit(flip(benign_value, 31), other)
    ledger.seal()
    statuses = {h.value: h.status for h in case_selectors.case_status(case)}
    assert statuses == {flip(benign_value, 31): "under_review", other: "active"}
    published = [bytes(e.leaf)[1] for e in Entry.objects.filter(kind=Entry.ADD)]
    assert len(published) == 1
    assert Signal.objects.get(value=flip(benign_value, 31)).active_holds == 0
    (held,) = selectors.held_queue()
    assert held.distance == 31 and held.benign.value == benign_value


def test_a_hash_farther_than_the_match_distance_is_published(signing_key, benign_value):
    submit(flip(benign_value, 32))
    assert not HeldMatch.objects.exists()
    assert Signal.objects.get(value=flip(benign_value, 32)).active_holds == 1


def test_publishing_a_held_hash_puts_it_in_the_feed_audited(signing_key, benign_value, make_staff):
    staff = make_staff("caseworker", username="cleo")
    case = submit(benign_value)
    row = case.case_signals.get()
    cases.decide_held(case_signal=row, actor=staff, publish=True)
    ledger.seal()
    assert Signal.objects.get(value=benign_value).state == "active"
    assert selectors.held_queue() == []
    assert HeldMatch.objects.get().decided_by == "cleo"
    assert AuditEntry.objects.filter(action="case.held_published").count() == 1


def test_rejecting_a_held_hash_keeps_it_out_of_the_feed_for_good(
    signing_key, benign_value, make_staff
):
    staff = make_staff("caseworker", username="cleo")
    case = submit(benign_value)
    row = case.case_signals.get()
    cases.decide_held(case_signal=row, actor=staff, publish=False)
    assert ledger.seal() is None  # nothing entered the feed
    assert case_selectors.case_status(case)[0].status == "removed"
    with pytest.raises(InvalidTransition):
        cases.decide_held(case_signal=row, actor=staff, publish=True)


def test_the_person_can_withdraw_a_held_hash(signing_key, benign_value):
    case = submit(benign_value)
    (changed,) = cases.withdraw(case=case)
    assert changed.status == "withdrawn"
    assert Signal.objects.get(value=benign_value).active_holds == 0


def test_a_hash_in_the_feed_cannot_be_listed_as_benign(signing_key):
    value = random_pdq()
    submit(value)
    with pytest.raises(DomainError) as raised:
        services.contribute(signal_type="pdq", value=value, source="member", contributed_by="a")
    assert raised.value.code == "value_in_feed"


def test_md5_is_held_only_when_equal(signing_key):
    services.contribute(
        signal_type="md5",
        value="d41d8cd98f00b204e9800998ecf8427e",
        source="staff",
        contributed_by="cleo",
    )
    case, _ = cases.submit_case(
        hashes=[{"type": "md5", "value": "d41d8cd98f00b204e9800998ecf8427e"}],
        attestations=ATTESTED,
    )
    assert case.case_signals.get().status == "held"

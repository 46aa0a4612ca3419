"""A second, independent case corroborates a value (issue 17, the review tier): when one of the
two cases holding it was submitted with a caseworker. Two anonymous cases do not (one person can
submit twice)."""

from __future__ import annotations

import pytest

from hashbank.cases import services
from hashbank.ledger import services as ledger
from hashbank.ledger.models import Entry
from hashbank.signals.models import Corroboration, Signal
from tests.fixtures.values import ATTESTED, random_pdq

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def helper(make_staff):
    return make_staff("caseworker", username="hana")


def submit(value: str, *, staff=None):
    case, _pin = services.submit_case(
        hashes=[{"type": "pdq", "value": value, "quality": 90}],
        attestations=ATTESTED,
        staff_assisted=staff is not None,
        actor=staff,
    )
    return case


def test_a_staff_assisted_case_holding_an_anonymous_cases_value_confirms_it(signing_key, helper):
    value = random_pdq()
    submit(value)
    ledger.seal()
    second = submit(value, staff=helper)
    ledger.seal()
    signal = Signal.objects.get(value=value)
    (tier,) = Entry.objects.filter(kind=Entry.TIER)
    assert tier.signal_id == signal.pk and bytes(tier.leaf)[3] == 3  # second_case
    assert Corroboration.objects.get().by == f"case {second.pk}"


def test_an_anonymous_case_holding_a_staff_assisted_cases_value_confirms_it(signing_key, helper):
    value = random_pdq()
    submit(value, staff=helper)
    ledger.seal()
    submit(value)
    ledger.seal()
    assert Signal.objects.get(value=value).tier_basis == 3


def test_two_anonymous_cases_leave_the_value_unreviewed(signing_key):
    value = random_pdq()
    submit(value)
    submit(value)
    ledger.seal()
    assert not Corroboration.objects.exists()
    assert not Entry.objects.filter(kind=Entry.TIER).exists()


def test_a_value_held_once_is_not_corroborated(signing_key, helper):
    submit(random_pdq(), staff=helper)
    ledger.seal()
    assert not Corroboration.objects.exists()

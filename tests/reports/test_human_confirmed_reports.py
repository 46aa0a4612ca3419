"""A member's human-confirmed match report corroborates the signal (issue 17, the review tier):
its next seal appends a tier entry with the basis member_report; an unconfirmed report does not."""

from hashbank.ledger import services as ledger
from hashbank.ledger.models import Entry
from hashbank.signals.models import Corroboration, Signal
from tests.fixtures.values import PDQ_VALUES

REPORT = {"signal_type": "pdq", "value": PDQ_VALUES[0], "action": "removed", "distance": 2}


def test_a_human_confirmed_report_confirms_the_signal_in_the_ledger(published, api, member):
    response = api.post(
        "/api/v1/reports", {**REPORT, "human_confirmed": True}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["human_confirmed"] is True
    ledger.seal()
    signal = Signal.objects.get(value=PDQ_VALUES[0])
    (tier,) = Entry.objects.filter(kind=Entry.TIER)
    assert bytes(tier.leaf)[3] == 2 and tier.signal_id == signal.pk  # basis member_report
    (by,) = Corroboration.objects.filter(signal=signal).values_list("by", flat=True)
    assert by == f"member {member.slug}"


def test_a_report_without_human_confirmation_leaves_the_signal_unreviewed(published, api):
    assert api.post("/api/v1/reports", REPORT, content_type="application/json").status_code == 201
    assert not Corroboration.objects.exists()
    assert ledger.seal() is None


def test_a_retried_confirmed_report_corroborates_once(published, api):
    for _ in range(2):
        api.post(
            "/api/v1/reports",
            {**REPORT, "human_confirmed": True},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="k-1",
        )
    assert Corroboration.objects.count() == 1

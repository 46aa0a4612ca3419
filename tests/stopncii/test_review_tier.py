"""The StopNCII facade shows a hash's review tier as the bank's own CSPFeedback, which stock HMA
reads as an opinion: unreviewed an investigation seed, confirmed the positive class."""

import pytest
from threatexchange.exchanges import fetch_state
from threatexchange.exchanges.clients.stopncii import api as stopncii
from threatexchange.exchanges.impl.stop_ncii_api import (
    StopNCIICredentials,
    StopNCIISignalExchangeAPI,
)

from hashbank.signals import services as signals
from hashbank.signals.models import Signal
from tests.fixtures.values import PDQ_VALUES
from tests.stopncii.test_stock_client import stock_client  # noqa: F401 (fixture)

Category = fetch_state.SignalOpinionCategory


def bank_feedback(record) -> tuple:
    (feedback,) = [f for f in record.CSPFeedbacks if f.source == "hashbank"]
    return feedback.feedbackValue, set(feedback.tags)


@pytest.mark.django_db(transaction=True)
def test_an_unreviewed_hash_is_pending_review_and_a_confirmed_one_blocked(publish, stock_client):  # noqa: F811
    publish([("pdq", PDQ_VALUES[0]), ("pdq", PDQ_VALUES[1])])
    first = stock_client.fetch_hashes(page_size=10)
    assert [bank_feedback(r) for r in first.hashRecords] == 2 * [
        (stopncii.StopNCIICSPFeedbackValue.PendingReview, {"unreviewed"})
    ]
    signals.corroborate(
        signal=Signal.objects.get(value=PDQ_VALUES[1]), basis="member_report", by="member acme"
    )
    publish.seal()

    later = stock_client.fetch_hashes(start_timestamp=first.nextSetTimestamp, page_size=10)

    # The tier entry brings the record back (with its new tier) into the next fetch.
    (record,) = [r for r in later.hashRecords if r.hashValue == PDQ_VALUES[1]]
    assert bank_feedback(record) == (
        stopncii.StopNCIICSPFeedbackValue.Blocked,
        {"confirmed", "member_report"},
    )


@pytest.mark.django_db(transaction=True)
def test_stock_hma_reads_the_tier_as_its_opinion_category(publish, live_server, member, token):
    publish([("pdq", PDQ_VALUES[0]), ("pdq", PDQ_VALUES[2])])
    signals.corroborate(
        signal=Signal.objects.get(value=PDQ_VALUES[2]), basis="caseworker_review", by="staff a"
    )
    publish.seal()
    credentials = StopNCIICredentials._from_str(
        f"{token},{member.slug},{live_server.url}/api/stopncii/v1"
    )
    exchange = StopNCIISignalExchangeAPI.for_collab(None, credentials)
    updates = {k: v for d in exchange.fetch_iter([], None) for k, v in d.updates.items()}

    def categories(value: str) -> set:
        return {o.category for o in updates[("pdq", value)].get_as_opinions()}

    assert Category.POSITIVE_CLASS not in categories(PDQ_VALUES[0])
    assert Category.POSITIVE_CLASS in categories(PDQ_VALUES[2])

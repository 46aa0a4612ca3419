"""The extension applies the reference client's freshness rule (member_portal/client/origins.py)
through fetch_iter as HMA drives it: a stale origin's records become review-only (metadata and
opinion), an origin past the off limit has its records deleted, and a fresh verdict brings them
back, each fetched again from the snapshot with the new verdict."""

import dataclasses
import time

import pytest
from threatexchange.exchanges.fetch_state import SignalOpinionCategory

from member_portal.client import origins
from member_portal.tx_extension.api import HashbankCollabConfig
from member_portal.verify import VerificationError
from tests.fixtures.values import MD5_VALUE
from tests.publishing.banks import wait_for
from tests.tx_extension.test_acknowledgements import HmaLikeFetcher, _api


def _with_limits(fetcher: HmaLikeFetcher, **limits: int) -> None:
    fetcher.api.collab = dataclasses.replace(fetcher.api.collab, **limits)


def _older_than_its_checkpoint(fetcher: HmaLikeFetcher) -> None:
    """Wait until the clock has passed the fetched checkpoint's (whole-second) time."""
    signed_at = fetcher.checkpoint.time
    wait_for(lambda: int(time.time()) > signed_at, timeout=5, what="a second passes")


def test_the_extensions_limits_default_to_the_reference_clients():
    config = HashbankCollabConfig(name="nii_bank")
    assert (config.review_after, config.off_after) == (origins.REVIEW_AFTER, origins.OFF_AFTER)


def test_a_stale_origins_records_go_to_review_and_past_the_off_limit_are_deleted(bank, member):
    bank.publish([("md5", MD5_VALUE)])
    bank.snapshot()
    fetcher = HmaLikeFetcher(_api(bank))
    fetcher.fetch()
    ((key, record),) = fetcher.content.items()
    assert record.freshness == origins.FRESH and fetcher.checkpoint.freshness == origins.FRESH
    assert "stale_origin" not in record.get_as_opinions()[0].tags

    _older_than_its_checkpoint(fetcher)
    _with_limits(fetcher, review_after=1)
    fetcher.fetch()

    stale = fetcher.content[key]
    assert stale.freshness == origins.REVIEW and fetcher.checkpoint.freshness == origins.REVIEW
    (opinion,) = stale.get_as_opinions()
    assert opinion.category == SignalOpinionCategory.INVESTIGATION_SEED
    assert "stale_origin" in opinion.tags

    _with_limits(fetcher, review_after=1, off_after=1)
    fetcher.fetch()

    assert fetcher.content == {}  # an off origin is not matched
    assert fetcher.checkpoint.freshness == origins.OFF

    _with_limits(fetcher, review_after=origins.REVIEW_AFTER, off_after=origins.OFF_AFTER)
    fetcher.fetch()

    assert fetcher.content[key].freshness == origins.FRESH
    assert fetcher.content[key].signal_value == MD5_VALUE


def test_limits_the_reference_client_refuses_fail_the_fetch(bank, member):
    bank.publish([("md5", MD5_VALUE)])
    fetcher = HmaLikeFetcher(_api(bank, review_after=10, off_after=5))
    with pytest.raises(VerificationError, match="review-after <= off-after"):
        fetcher.fetch()
    assert fetcher.content == {}

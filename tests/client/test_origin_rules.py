"""The client's rules for origins, without a bank: freshness (review-only after 72 h without a
fresh checkpoint, off after 30 days, both configurable) and the `--origins` allow/deny list."""

import hashlib

import pytest

from member_portal.client.origins import OFF, REVIEW_AFTER, Freshness, OriginFilter
from member_portal.client.sync import ClientError

NOW = 1_800_000_000
A = "a.bank.test/hashbank"
B = "b.bank.test/hashbank"


def test_an_origin_is_fresh_until_its_newest_checkpoint_is_72_hours_old():
    fresh = Freshness()
    assert fresh.verdict(NOW - REVIEW_AFTER + 1, NOW) == "fresh"
    assert fresh.verdict(NOW - REVIEW_AFTER, NOW) == "review"


def test_an_origin_is_off_once_its_newest_checkpoint_is_30_days_old():
    fresh = Freshness()
    assert fresh.verdict(NOW - 30 * 86400 + 1, NOW) == "review"
    assert fresh.verdict(NOW - 30 * 86400, NOW) == OFF


def test_both_freshness_limits_are_configurable():
    fresh = Freshness(review_after=60, off_after=120)
    assert [fresh.verdict(NOW - age, NOW) for age in (59, 60, 119, 120)] == [
        "fresh",
        "review",
        "review",
        "off",
    ]


def test_an_origin_without_a_verified_checkpoint_is_off():
    assert Freshness().verdict(None, NOW) == OFF


@pytest.mark.parametrize("review, off", [(0, 10), (10, 5), (-1, 10)])
def test_freshness_limits_must_be_positive_and_ordered(review, off):
    with pytest.raises(ClientError):
        Freshness(review, off)


def test_no_origins_option_allows_every_origin():
    assert OriginFilter.parse(None).allows(A) and OriginFilter.parse("").allows(B)


def test_listed_origins_are_the_only_ones_allowed():
    only = OriginFilter.parse(f"{A}")
    assert only.allows(A) and not only.allows(B)


def test_a_bang_denies_one_origin_and_allows_the_rest():
    only = OriginFilter.parse(f"!{A}")
    assert not only.allows(A) and only.allows(B)


def test_an_origin_may_be_named_by_its_id_and_denial_wins():
    a_id = hashlib.sha256(A.encode()).hexdigest()
    only = OriginFilter.parse(f"{a_id}, {B}, !{B}")
    assert only.allows(A) and not only.allows(B)


def test_a_bang_alone_is_a_usage_error():
    with pytest.raises(ClientError):
        OriginFilter.parse("!")

"""The client against a bank without peers: it carries one origin, itself. `match` names it,
`status --json` shows its freshness, and the freshness limits turn matches review-only or off."""

import time

from member_portal.client.store import Store
from tests.fixtures.values import MD5_VALUE
from tests.publishing.banks import wait_for


def test_sync_lists_the_one_origin_the_bank_carries(bank, client, settings):
    bank.publish([("md5", MD5_VALUE)])
    code, result = client("sync")
    assert code == 0
    (only,) = result["origins"]
    assert (only["origin"], only["local"], only["error"]) == (settings.HASHBANK_ORIGIN, True, "")
    assert only["synced"]["size"] == result["size"]


def test_match_names_the_origin_of_every_match(bank, client, settings):
    bank.publish([("md5", MD5_VALUE)])
    client("sync")
    code, found = client("match", "--md5", MD5_VALUE)
    assert code == 0
    (match,) = found["results"][0]["matches"]
    assert (match["origin"], match["action"], match["frozen"]) == (
        settings.HASHBANK_ORIGIN,
        "match",
        False,
    )


def test_denying_the_banks_own_origin_matches_nothing(bank, client, settings):
    bank.publish([("md5", MD5_VALUE)])
    client("sync")
    code, _ = client("match", "--md5", MD5_VALUE, "--origins", f"!{settings.HASHBANK_ORIGIN}")
    assert code == 1


def test_status_shows_each_origins_freshness_and_the_limits(bank, client, settings):
    bank.publish([("md5", MD5_VALUE)])
    client("sync")
    code, status = client("status", "--review-after", "3600", "--off-after", "7200")
    assert code == 0
    assert status["freshness"] == {"review_after": 3600, "off_after": 7200}
    (only,) = status["origins"]
    assert (only["origin"], only["freshness"], only["anchored_by"]) == (
        settings.HASHBANK_ORIGIN,
        "fresh",
        "root",
    )
    assert status["origin"] == settings.HASHBANK_ORIGIN  # the single-bank fields are kept


def _older_than_its_checkpoint(state) -> None:
    """Wait until the clock has passed the synced checkpoint's (whole-second) time."""
    with Store(state) as store:
        signed_at = store.load().checkpoint.time
    wait_for(lambda: int(time.time()) > signed_at, timeout=5, what="a second passes")


def test_a_stale_origins_matches_are_review_only(bank, client, state):
    bank.publish([("md5", MD5_VALUE)])
    client("sync")
    _older_than_its_checkpoint(state)
    code, found = client("match", "--md5", MD5_VALUE, "--review-after", "1")
    assert code == 0
    assert found["results"][0]["matches"][0]["action"] == "review"


def test_an_origin_stale_past_the_off_limit_is_not_matched(bank, client, state):
    bank.publish([("md5", MD5_VALUE)])
    client("sync")
    _older_than_its_checkpoint(state)
    code, found = client("match", "--md5", MD5_VALUE, "--review-after", "1", "--off-after", "1")
    assert code == 1
    assert "not matched" in found["results"][0]["notes"][0]
    code, status = client("status", "--review-after", "1", "--off-after", "1")
    assert status["origins"][0]["freshness"] == "off"

"""What a process saw past a limit it remembers until the window ends, and no longer; it counts
nothing and is bounded (hashbank/core/ratelimit.py, for the member API's early refusal)."""

from hashbank.core import ratelimit


def _limit(subject: str, limit: int = 2) -> dict:
    return {"scope": "test-known", "subject": subject, "limit": limit, "window": 600}


def test_a_limit_read_as_reached_is_known_until_its_window_ends():
    for _ in range(2):
        ratelimit.record(scope="test-known", subject="a", window=600)
    [retry] = ratelimit.retry_after_each([_limit("a")], remember=True)
    assert retry is not None and 0 < retry <= 600
    assert ratelimit.known_retry_after(scope="test-known", subject="a") in (retry, retry - 1)
    assert ratelimit.current(scope="test-known", subject="a", window=600) == 2  # counted nothing


def test_a_limit_not_reached_or_not_remembered_is_not_known():
    ratelimit.record(scope="test-known", subject="b", window=600)
    assert ratelimit.retry_after_each([_limit("b")], remember=True) == [None]
    assert ratelimit.known_retry_after(scope="test-known", subject="b") is None
    for _ in range(2):
        ratelimit.record(scope="test-known", subject="c", window=600)
    assert ratelimit.retry_after_each([_limit("c")]) != [None]
    assert ratelimit.known_retry_after(scope="test-known", subject="c") is None


def test_the_remembered_limits_stay_bounded(monkeypatch):
    monkeypatch.setattr(ratelimit, "REACHED_MAX_ENTRIES", 10)
    limits = [_limit(f"s{n}", limit=0) for n in range(25)]  # a limit of 0 is reached at once
    ratelimit.retry_after_each(limits, remember=True)
    known = [ratelimit.known_retry_after(scope="test-known", subject=f"s{n}") for n in range(25)]
    assert 0 < sum(retry is not None for retry in known) <= 10
    assert known[-1] is not None  # the newest is kept

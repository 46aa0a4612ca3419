"""The catch-up's fetch-ahead (hashbank.mirrors.pages): pages in order, each once; a failure comes
out where its page would have and nothing is fetched after it; close() ends the thread. The pages
come from a list, not a peer: what is tested is the ordering and the stopping (the two-bank tests
run it against real peers)."""

from __future__ import annotations

import threading

import pytest

from hashbank.mirrors.pages import FetchAhead


class Log:
    """Pages of 10 entries over [0, 95); page `bad` (by start) raises."""

    def __init__(self, bad: int | None = None) -> None:
        self.bad = bad
        self.asked: list[int] = []
        self.threads: set[str] = set()

    def fetch(self, start: int) -> tuple[int, bytes]:
        self.asked.append(start)
        self.threads.add(threading.current_thread().name)
        if start == self.bad:
            raise ValueError(f"page {start}")
        end = min(start + 10, 95)
        return end, bytes(range(start, end))


@pytest.mark.parametrize("depth", [0, 1, 3])
def test_every_page_comes_once_in_order(depth):
    log = Log()
    pages = FetchAhead(log.fetch, 20, 95, depth)
    try:
        got = list(pages)
    finally:
        pages.close()
    assert [(s, e) for s, e, _ in got] == [(s, min(s + 10, 95)) for s in range(20, 95, 10)]
    assert b"".join(p for _, _, p in got) == bytes(range(20, 95))
    assert log.asked == list(range(20, 95, 10))
    assert (threading.current_thread().name in log.threads) == (depth == 0)


@pytest.mark.parametrize("depth", [0, 2])
def test_a_failure_comes_after_the_pages_before_it_and_nothing_is_fetched_after(depth):
    log = Log(bad=40)
    pages = FetchAhead(log.fetch, 0, 95, depth)
    got = []
    with pytest.raises(ValueError, match="page 40"):
        try:
            for start, _, _ in pages:
                got.append(start)
        finally:
            pages.close()
    assert got == [0, 10, 20, 30]
    assert log.asked == [0, 10, 20, 30, 40]


def test_close_mid_way_ends_the_thread_within_its_bound():
    log = Log()
    pages = FetchAhead(log.fetch, 0, 95, 2)
    first = next(iter(pages))
    pages.close(timeout=30)
    assert first[0] == 0
    assert not pages._thread.is_alive()
    # The consumer took one page; the thread had at most `depth` queued and one more in hand.
    assert log.asked == list(range(0, 10 * len(log.asked), 10)) and len(log.asked) <= 4

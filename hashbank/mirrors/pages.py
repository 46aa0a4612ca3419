"""Fetch-ahead of a catch-up's entries pages: a thread fetches page k+1 (and up to `depth` pages
ahead) while the sync verifies and stores page k, so the peer's serving, the mirror's verifying
and the database's writing overlap instead of taking turns.

`fetch_page(start)` (the caller's: an HTTP GET and its header checks) returns `(end, page)`, the
page's entries being [start, end); the next page starts at `end`. Pages come out in order, each
exactly once; an exception `fetch_page` raised comes out where its page would have, after every
page fetched before it, and nothing is fetched after it. The queue is bounded (`depth` pages of
at most HASHBANK_ENTRIES_PAGE_MAX entries, about 5 MB each at the default), and `close()` stops
the thread (the caller's verification failed, or it finished): a page fetched ahead and never
consumed is dropped, never stored. `depth` 0 fetches in the caller's thread, one page at a time.

The thread touches no database (PeerClient does not), so it needs no connection of its own.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator

FetchPage = Callable[[int], tuple[int, bytes]]
_DONE = object()


class FetchAhead:
    def __init__(self, fetch_page: FetchPage, start: int, stop: int, depth: int) -> None:
        self.fetch_page, self.start, self.stop, self.depth = fetch_page, start, stop, depth
        self._stopping = threading.Event()
        self._queue: queue.Queue = queue.Queue(maxsize=max(depth, 1))
        self._thread: threading.Thread | None = None

    def __iter__(self) -> Iterator[tuple[int, int, bytes]]:
        """(start, end, page) of each page from `start` to `stop`, in order."""
        if self.depth <= 0:
            start = self.start
            while start < self.stop:
                end, page = self.fetch_page(start)
                yield start, end, page
                start = end
            return
        self._thread = threading.Thread(target=self._run, name="mirror-fetch-ahead", daemon=True)
        self._thread.start()
        while True:
            item = self._queue.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def _run(self) -> None:
        start = self.start
        try:
            while start < self.stop and not self._stopping.is_set():
                end, page = self.fetch_page(start)
                self._queue.put((start, end, page))
                start = end
        except BaseException as exc:  # noqa: BLE001 (handed to the consumer, raised there)
            self._queue.put(exc)
            return
        self._queue.put(_DONE)

    def close(self, timeout: float | None = None) -> None:
        """Stop fetching and wait for the thread (at most `timeout`: a fetch under way ends
        within the peer timeout); pages still queued are dropped. Only the thread puts, one item
        at a time, so once the queue is emptied its next put cannot block, and after it the
        thread sees `_stopping` and ends."""
        self._stopping.set()
        if self._thread is None:
            return
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        self._thread.join(timeout)

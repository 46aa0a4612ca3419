"""HTTP to a peer bank: `PeerClient(peer)` calls `peer.url + path` with the peer credential.

The credential and URL are read when the client is made; `get` and `post` touch no database, so
they may run in threads (as publishing/client.py's witness calls do). They never raise for an
HTTP status: the caller reads it. A connection failure raises PeerUnreachable.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings

from hashbank.peers import tokens

# What a bank answers a peer is at most an entries page (HASHBANK_ENTRIES_PAGE_MAX entries of at
# most 101 bytes each: about 5 MB at the default) or a root-documents list; anything past this
# is not an answer a bank gives.
MAX_ANSWER = 64 * 1024 * 1024


class PeerUnreachable(OSError):
    """No HTTP answer (refused, reset, timed out, a bad URL)."""


def fetch(
    url: str,
    *,
    method: str = "GET",
    token: str = "",
    body: bytes | None = None,
    content_type: str = "",
    timeout: float | None = None,
    limit: int = MAX_ANSWER,
) -> tuple[int, Any, bytes]:
    headers = {"User-Agent": "hashbank-peer"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    wait = settings.HASHBANK_PEER_TIMEOUT if timeout is None else timeout
    try:
        with urllib.request.urlopen(request, timeout=wait) as response:  # noqa: S310 (peer URL)
            return response.status, response.headers, _read(response, limit)
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.headers, _read(exc, limit)
    except (OSError, ValueError) as exc:  # URLError, timeouts, resets, a malformed URL
        raise PeerUnreachable(f"{type(exc).__name__}: {exc}") from None


def _read(response, limit: int) -> bytes:
    data = response.read(limit + 1)
    if len(data) > limit:
        raise PeerUnreachable(f"the answer exceeds {limit} bytes")
    return data


class PeerClient:
    def __init__(self, peer, *, timeout: float | None = None) -> None:
        self.base = peer.url.rstrip("/")
        self.token = tokens.read(peer.name)
        self.timeout = timeout

    def url(self, path: str, params: dict | None = None) -> str:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        return f"{self.base}{path}{query}"

    def get(
        self, path: str, params: dict | None = None, *, limit: int = MAX_ANSWER
    ) -> tuple[int, Any, bytes]:
        """GET; `limit` caps the answer's size (an answer past it is PeerUnreachable)."""
        return fetch(self.url(path, params), token=self.token, timeout=self.timeout, limit=limit)

    def post(self, path: str, body: bytes, content_type: str) -> tuple[int, Any, bytes]:
        return fetch(
            self.url(path),
            method="POST",
            token=self.token,
            body=body,
            content_type=content_type,
            timeout=self.timeout,
        )

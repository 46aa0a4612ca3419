"""The pull API over HTTP, with the standard library only (docs/member-guide.md lists the URLs)."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import BinaryIO

USER_AGENT = "hashbank-member/0.1"
_NEXT = re.compile(r'<([^>]+)>;\s*rel="?next"?')


class BankError(Exception):
    """The bank could not be reached or answered with an error."""

    def __init__(self, message: str, *, status: int | None = None, code: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class Bank:
    """The feed endpoints under `prefix`: the bank's own origin at /api/v1 (the default), or one
    origin it carries at /api/v1/origins/<id> (the same endpoints, with the same shapes)."""

    def __init__(
        self, base_url: str, token: str, *, timeout: float = 120.0, prefix: str = "/api/v1"
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.prefix = prefix

    def at_origin(self, origin_id: str) -> Bank:
        """The same bank and credential, reading the carried origin of this id."""
        return Bank(
            self.base_url, self.token, timeout=self.timeout, prefix=f"/api/v1/origins/{origin_id}"
        )

    def origins(self) -> dict:
        """GET /api/v1/origins: the carrier, its signed origins list and the carried origins."""
        with self._open("/api/v1/origins") as response:
            return json.loads(response.read())

    def _open(self, path: str, *, data: bytes | None = None, content_type: str = ""):
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        request = urllib.request.Request(url, data=data, method="POST" if data else "GET")
        # add_header (not add_unredirected_header): the Bearer token follows the bank's own
        # redirects (latest snapshot -> snapshot of size N).
        request.add_header("Authorization", f"Bearer {self.token}")
        request.add_header("User-Agent", USER_AGENT)
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            return urllib.request.urlopen(request, timeout=self.timeout)  # noqa: S310
        except urllib.error.HTTPError as exc:
            code, message = "", exc.reason
            try:
                error = json.loads(exc.read())["error"]
                code, message = error["code"], error["message"]
            except (ValueError, KeyError, TypeError):
                pass
            raise BankError(
                f"{url.split('?')[0]}: HTTP {exc.code} {code} {message}".replace("  ", " "),
                status=exc.code,
                code=code,
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            raise BankError(f"cannot reach {self.base_url}: {exc}") from None

    def checkpoint(self) -> str:
        with self._open(f"{self.prefix}/checkpoint") as response:
            return response.read().decode()

    def roots(self) -> list[str]:
        with self._open(f"{self.prefix}/roots") as response:
            return list(json.loads(response.read())["roots"])

    def snapshot(self) -> tuple[BinaryIO, int]:
        """The latest snapshot's (gzip-compressed) response stream and its length in bytes."""
        response = self._open(f"{self.prefix}/snapshot")
        return response, int(response.headers.get("Content-Length") or 0)

    def entries_pages(self, start: int, size: int) -> Iterator[bytes]:
        """The binary entries pages [start, size), following `Link: rel=next`."""
        path: str | None = f"{self.prefix}/entries?from={start}&size={size}"
        while path:
            with self._open(path) as response:
                body = response.read()
                link = _NEXT.search(response.headers.get("Link") or "")
            yield body
            path = urllib.parse.urljoin(self.base_url + "/", link.group(1)) if link else None

    def acknowledge(self, size: int) -> None:
        """Tell the bank which checkpoint we applied (proof that removals reached us)."""
        body = json.dumps({"size": size}).encode()
        with self._open("/api/v1/sync/ack", data=body, content_type="application/json"):
            pass

    def post_receipt(self, receipt: str) -> None:
        """Send a signed receipt: the checkpoint note we applied with our receipt key's line."""
        body = json.dumps({"receipt": receipt}).encode()
        with self._open("/api/v1/receipts", data=body, content_type="application/json"):
            pass

"""Serve a file with a strong ETag and single-range `Range` support (resumable downloads)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from django.http import FileResponse, HttpResponse, StreamingHttpResponse

from hashbank.core.errors import DomainError
from member_portal.api.errors import ApiErrorCode

CHUNK = 1024 * 1024
# ASCII digits only (`\d` would match `١` or `①`), at most 18 (no file is larger; 4,300 digits
# would be a ValueError in int()). A header that does not match is ignored: the whole file.
RANGE_RE = re.compile(r"^bytes=([0-9]{0,18})-([0-9]{0,18})$", re.ASCII)


def _read(path: Path, start: int, length: int):
    with open(path, "rb") as handle:
        handle.seek(start)
        while length > 0:
            data = handle.read(min(CHUNK, length))
            if not data:
                return
            length -= len(data)
            yield data


def file_response(request, path: Path, *, etag: str, content_type: str, cache_control: str):
    size = os.path.getsize(path)
    headers = {"ETag": etag, "Cache-Control": cache_control, "Accept-Ranges": "bytes"}
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        wanted = request.headers.get("Range")
        if_range = request.headers.get("If-Range")
        span = _parse_range(wanted, size) if wanted and (not if_range or if_range == etag) else None
        if span is None:
            response = FileResponse(open(path, "rb"), content_type=content_type)  # noqa: SIM115
            response.block_size = CHUNK
            response["Content-Length"] = str(size)
        else:
            start, end = span
            response = StreamingHttpResponse(
                _read(path, start, end - start + 1), status=206, content_type=content_type
            )
            response["Content-Range"] = f"bytes {start}-{end}/{size}"
            response["Content-Length"] = str(end - start + 1)
    for name, value in headers.items():
        response[name] = value
    return response


def _parse_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) byte of a single range; None to serve the whole file (e.g. multi-range)."""
    match = RANGE_RE.match(header.strip())
    if not match:
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if size == 0:  # no byte of an empty file can be asked for (found by tests/fuzz)
        raise _unsatisfiable(size)
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0:
            raise _unsatisfiable(size)
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        raise _unsatisfiable(size)
    return start, end


def _unsatisfiable(size: int) -> DomainError:
    return DomainError(
        f"The range is outside the file of {size} bytes.",
        code=ApiErrorCode.RANGE_NOT_SATISFIABLE,
        status=416,
    )

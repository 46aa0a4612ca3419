"""The one JSON body parser for the bank's own JSON endpoints (the DRF views use
`hashbank.core.parsers.StrictJSONParser`, on the same decoder): a JSON object with known fields,
or a DomainError with a code a client can act on.

The body is decoded by `hashbank.core.strict_json`: UTF-8 only (no UTF-16 guessed from the first
bytes), each field once (`{"adult": false, "adult": true}` is refused, not read as true), nesting
bounded. Its size is checked from the headers before a byte is read (Django's `request.body`
refuses a Content-Length above DATA_UPLOAD_MAX_MEMORY_SIZE unread; NoUploadMiddleware refuses
one above the victim routes' cap before any view runs)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest

from hashbank.core import strict_json
from hashbank.core.errors import CoreErrorCode, DomainError


def read_object(request: HttpRequest, *, allowed: Collection[str]) -> dict[str, Any]:
    """The request's body as a JSON object whose fields are all in `allowed`."""
    if request.content_type != "application/json":
        raise DomainError(
            "Send JSON (Content-Type: application/json).", code=CoreErrorCode.NOT_JSON
        )
    if (request.encoding or "utf-8").lower().replace("_", "-") not in {"utf-8", "utf8"}:
        raise DomainError("Send the body as UTF-8.", code=CoreErrorCode.MALFORMED_JSON)
    try:
        body = decode(request.body)
    except RequestDataTooBig:
        raise DomainError(
            "The request is too large.", code=CoreErrorCode.BODY_TOO_LARGE, status=413
        ) from None
    if not isinstance(body, dict):
        raise DomainError("The body must be a JSON object.", code=CoreErrorCode.MALFORMED_JSON)
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise DomainError(
            "Unknown fields.", code=CoreErrorCode.UNKNOWN_FIELD, detail={"fields": unknown[:10]}
        )
    return body


def decode(data: bytes) -> Any:
    """`data` as JSON, or the DomainError for why not: a repeated field has its own code, since a
    client that sent one has a bug worth naming; anything else is malformed JSON."""
    try:
        return strict_json.loads(data)
    except strict_json.JSONRefused as refused:
        code = (
            CoreErrorCode.DUPLICATE_FIELD
            if refused.reason == "duplicate_key"
            else CoreErrorCode.MALFORMED_JSON
        )
        raise DomainError(str(refused), code=code) from None

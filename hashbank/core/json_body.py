"""The one JSON body parser for the bank's own JSON endpoints (the DRF views use DRF's parsers):
a JSON object with known fields, or a DomainError with a code a client can act on."""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest

from hashbank.core.errors import CoreErrorCode, DomainError


def read_object(request: HttpRequest, *, allowed: Collection[str]) -> dict[str, Any]:
    """The request's body as a JSON object whose fields are all in `allowed`."""
    if request.content_type != "application/json":
        raise DomainError(
            "Send JSON (Content-Type: application/json).", code=CoreErrorCode.NOT_JSON
        )
    try:
        body = json.loads(request.body)
    except RequestDataTooBig:
        raise DomainError("The request is too large.", code=CoreErrorCode.BODY_TOO_LARGE) from None
    except (ValueError, UnicodeDecodeError):
        raise DomainError(
            "The body is not valid JSON.", code=CoreErrorCode.MALFORMED_JSON
        ) from None
    if not isinstance(body, dict):
        raise DomainError("The body must be a JSON object.", code=CoreErrorCode.MALFORMED_JSON)
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise DomainError(
            "Unknown fields.", code=CoreErrorCode.UNKNOWN_FIELD, detail={"fields": unknown[:10]}
        )
    return body

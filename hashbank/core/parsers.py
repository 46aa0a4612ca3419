"""DRF's JSON parser on the bank's strict decoder (settings.REST_FRAMEWORK's only parser): UTF-8
only, no repeated field, bounded nesting, and a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE
refused from its Content-Length before a byte is read (DRF's own parser reads any length)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.parsers import JSONParser

from hashbank.core import json_body
from hashbank.core.errors import CoreErrorCode, DomainError
from hashbank.core.numbers import parse_whole


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        parser_context = parser_context or {}
        request = parser_context.get("request")
        meta = getattr(request, "META", {})
        length = parse_whole(meta.get("CONTENT_LENGTH") or "0") or 0
        cap = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if cap is not None and length > cap:
            raise DomainError(
                "The request is larger than the server accepts.",
                code=CoreErrorCode.BODY_TOO_LARGE,
                status=413,
            )
        charset = (parser_context.get("encoding") or settings.DEFAULT_CHARSET).lower()
        if charset.replace("_", "-") not in {"utf-8", "utf8"}:
            raise DomainError("Send the body as UTF-8.", code=CoreErrorCode.MALFORMED_JSON)
        data = stream.read(cap + 1 if cap is not None else -1) if stream is not None else b""
        if cap is not None and len(data) > cap:
            raise DomainError(
                "The request is larger than the server accepts.",
                code=CoreErrorCode.BODY_TOO_LARGE,
                status=413,
            )
        return json_body.decode(data)

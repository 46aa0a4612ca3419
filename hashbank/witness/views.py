"""The witness's endpoints (C2SP tlog-witness) and the bank's discovery document.

The witness endpoints answer plain text, as the spec has it: clients act on the status code
(and a 409's `text/x.tlog.size` body), so there is no JSON error shape here.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from hashbank.ledger import selectors as ledger_selectors
from hashbank.witness import keys, selectors, services
from hashbank.witness.errors import WitnessError, WitnessErrorCode
from member_portal.feed import witness as wire

# A request is a note and at most 63 proof hashes: a few KiB. Anything much larger is not one.
MAX_BODY = 64 * 1024
TEXT = "text/plain; charset=utf-8"

# The documented paths of the bank's public read paths (docs/witness.md). Written as strings:
# the bank's domain does not import the member apps that serve some of them.
TILES_PREFIX = "/log/"
WITNESS_PREFIX = "/witness/"
ROOT_DOCUMENTS = "/api/v1/roots"


def _text(body: str, status: int) -> HttpResponse:
    response = HttpResponse(body, status=status, content_type=TEXT)
    response["Cache-Control"] = "no-store"
    return response


def _body(request: HttpRequest) -> bytes:
    too_large = WitnessError(
        f"the body exceeds {MAX_BODY} bytes", code=WitnessErrorCode.BODY_TOO_LARGE, status=413
    )
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        raise WitnessError(
            "Content-Length is not a number", code=WitnessErrorCode.MALFORMED_REQUEST, status=400
        ) from None
    if length > MAX_BODY:
        raise too_large
    body = request.read(MAX_BODY + 1)  # a body without Content-Length is capped all the same
    if len(body) > MAX_BODY:
        raise too_large
    return body


@csrf_exempt  # a machine endpoint: authenticated by the log's signature, not by a session
@require_POST
def add_checkpoint(request: HttpRequest) -> HttpResponse:
    try:
        line = services.add_checkpoint(body=_body(request))
    except WitnessError as exc:
        if exc.code == WitnessErrorCode.OLD_SIZE_MISMATCH:
            response = HttpResponse(
                wire.encode_size(exc.size), status=409, content_type=wire.SIZE_CONTENT_TYPE
            )
            response["Cache-Control"] = "no-store"
            return response
        return _text(exc.message + "\n", exc.status)
    return _text(line, 200)


@require_GET
def checkpoint(request: HttpRequest, origin_sha256: str) -> HttpResponse:
    signed = selectors.cosigned_checkpoint(origin_sha256)
    if signed is None:
        return _text("this witness cosigned no checkpoint for that origin\n", 404)
    return _text(signed, 200)


@require_GET
def discovery(request: HttpRequest) -> JsonResponse:
    """`/.well-known/hashbank`: what a peer needs to pull, verify and witness this bank."""
    verifier = selectors.witness_verifier()
    response = JsonResponse(
        {
            "origin": settings.HASHBANK_ORIGIN,
            "url": settings.HASHBANK_PUBLIC_URL,
            "log_keys": ledger_selectors.public_keys(),
            "root_documents": ROOT_DOCUMENTS,
            "tiles": TILES_PREFIX,
            "witness": {
                "name": keys.witness_name(),
                "key": str(verifier) if verifier is not None else None,
                "prefix": WITNESS_PREFIX,
            },
            # No mirror yet (the peer-bank issue adds it); the key is there so clients need not
            # guess whether it is missing or unsupported.
            "mirror": None,
        }
    )
    response["Cache-Control"] = "public, max-age=300"
    return response

"""/mirror/<origin id>/: a mirrored origin's log as C2SP tlog-tiles (the checkpoint note as the
mirror stores it, hash tiles, entry bundles of the origin's leaves), public like /log/: leaves
carry only salted digests. Payloads are served to members, behind their credentials, by the
member API (/api/v1/origins/<id>/entries). /federation/evidence: equivocation evidence, public.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_safe

from hashbank.mirrors import selectors
from member_portal.feed import tiles as fmt

IMMUTABLE = "public, max-age=604800, immutable"
NO_STORE = "no-store"


def _log_or_404(origin_id: str):
    log = selectors.mirrored_log(origin_id) if len(origin_id) == 64 else None
    if log is None or not log.checkpoint_note:
        raise Http404("this bank mirrors no such origin")
    return log


def _answer(data: bytes | str, content_type: str, cache: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Cache-Control"] = cache
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def checkpoint(request: HttpRequest, origin_id: str) -> HttpResponse:
    log = _log_or_404(origin_id)
    response = _answer(selectors.checkpoint_note(log), "text/plain; charset=utf-8", NO_STORE)
    response["Hashbank-Frozen"] = "true" if log.frozen else "false"
    return response


@require_safe
def tile(request: HttpRequest, origin_id: str, path: str) -> HttpResponse:
    log = _log_or_404(origin_id)
    try:
        wanted = fmt.parse_path("tile/" + path)
        width = fmt.tile_width(log.size, wanted.level, wanted.index)
    except fmt.TileError:
        raise Http404("not a tile of the mirrored tree") from None
    if wanted.width > width:  # a partial tile is a prefix of the wider one the tree has now
        raise Http404("the mirrored tree has no tile that wide yet")
    width = wanted.width
    if wanted.level == fmt.ENTRIES:
        first = wanted.index * fmt.WIDTH
        data = fmt.encode_bundle(selectors.leaves(log, first, first + width))
    else:
        data = selectors.tile(log, wanted.level, wanted.index, width)
        if data is None:
            raise Http404("no such tile")
    return _answer(data, "application/octet-stream", IMMUTABLE if wanted.is_full else NO_STORE)


@require_safe
def evidence(request: HttpRequest) -> JsonResponse:
    response = JsonResponse({"evidence": selectors.evidence()})
    response["Cache-Control"] = "no-store"
    response["Access-Control-Allow-Origin"] = "*"
    return response

"""/log/: the tiles directory (hashbank/ledger/tiles.py) over HTTP, for the embedded default.

In production nginx serves the same files with the same headers (deploy/nginx/hashbank.conf).
Public, no credential: leaves carry only salted digests. Only the tlog-tiles path grammar is
served (member_portal/feed/tiles.parse_path), so no other file of the directory, and nothing
outside it, can be named.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from hashbank.ledger import tiles
from member_portal.feed import tiles as fmt

# Sunlight's and Tessera's read path: full tiles never change; what changes at every seal (the
# checkpoint and the partial tiles on the right edge) must not be cached.
IMMUTABLE = "public, max-age=604800, immutable"
NO_STORE = "no-store"


@require_safe
def log_file(request: HttpRequest, path: str) -> HttpResponse:
    directory = tiles.tiles_dir()
    if directory is None:
        raise Http404("tiles are switched off")
    if path == tiles.CHECKPOINT:
        content_type, cache = "text/plain; charset=utf-8", NO_STORE
    else:
        try:
            tile = fmt.parse_path(path)
        except fmt.TileError:
            raise Http404("not a tlog-tiles path") from None
        content_type, cache = "application/octet-stream", IMMUTABLE if tile.is_full else NO_STORE
    try:
        data = (directory / path).read_bytes()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        raise Http404("no such tile") from None
    response = HttpResponse(data, content_type=content_type)
    response["Cache-Control"] = cache
    response["Access-Control-Allow-Origin"] = "*"  # any monitor may read the log from a browser
    return response

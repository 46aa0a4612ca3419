"""The mirrors' codes. The mirror's public endpoints (/mirror/<id>/..., /federation/evidence)
answer plain 404s like the tiles; operators meet these in `manage.py mirrors`, all INTERNAL."""

from __future__ import annotations

from hashbank.core.errors import INTERNAL, DomainError, ErrorCode


class MirrorErrorCode(ErrorCode):
    UNKNOWN_ORIGIN = "mirror_unknown_origin", INTERNAL
    PEER_FAILED = "mirror_peer_failed", INTERNAL  # unreachable or a malformed answer: retried
    EQUIVOCATION = "mirror_equivocation", INTERNAL  # the origin is frozen, with evidence


class MirrorError(DomainError):
    pass

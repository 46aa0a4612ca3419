"""The peers' codes: operators meet them in `manage.py peers` and on the console's federation
page; none is answered under /api/, so all are INTERNAL."""

from __future__ import annotations

from hashbank.core.errors import INTERNAL, DomainError, ErrorCode


class PeerErrorCode(ErrorCode):
    INVALID_PEER = "peer_invalid", INTERNAL  # a bad name, URL, credential or pinned key
    PEER_EXISTS = "peer_exists", INTERNAL
    UNKNOWN_PEER = "peer_unknown", INTERNAL
    UNREACHABLE = "peer_unreachable", INTERNAL  # no answer, or not the answer a bank gives
    KEY_MISMATCH = "peer_key_mismatch", INTERNAL  # its log key is not the pinned one
    BAD_ROOT_DOCUMENT = "peer_bad_root_document", INTERNAL
    REMOVED = "peer_removed", INTERNAL  # a removed peer does not come back


class PeerError(DomainError):
    pass

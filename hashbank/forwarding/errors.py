"""Forwarding's codes: answered to member platforms (a report or dispute naming an origin and a
sequence number) and to peer banks on the peer API (/peer/v1/, whose credentials are members of
kind "peer"). See docs/member-guide.md and docs/peer-api.md."""

from __future__ import annotations

from hashbank.core.errors import INTERNAL, MEMBER_API, ErrorCode


class ForwardErrorCode(ErrorCode):
    # The origin named is neither ours nor one we mirror (404).
    UNKNOWN_ORIGIN = "unknown_origin", MEMBER_API
    # No add entry at this sequence number in the origin's published (or mirrored) log (404).
    UNKNOWN_SEQ = "unknown_seq", MEMBER_API
    # signal_type/value were sent with the sequence number and name another signal (409).
    SIGNAL_MISMATCH = "signal_mismatch", MEMBER_API
    # The origin's bank is a peer we no longer forward to (suspended) (409).
    PEER_UNAVAILABLE = "peer_unavailable", MEMBER_API
    # Peer API: the credential is a platform's, not a peer bank's (403).
    NOT_A_PEER = "not_a_peer", MEMBER_API
    # Peer API: no forward with this id from this peer (404).
    UNKNOWN_FORWARD = "unknown_forward", MEMBER_API
    # `manage.py forwarding retry`: no forward with that id.
    NO_SUCH_FORWARD = "no_such_forward", INTERNAL

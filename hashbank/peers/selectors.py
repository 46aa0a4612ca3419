"""Reads of the peers: who they are, the credential this bank presents to each, and the keys
their checkpoints are checked with (from the trust anchor along the peer's own root chain)."""

from __future__ import annotations

from hashbank.peers import tokens
from hashbank.peers.models import Peer
from member_portal.feed import note, rootdoc


def active_peers() -> list[Peer]:
    return list(Peer.objects.filter(status=Peer.Status.ACTIVE).order_by("name"))


def peers() -> list[Peer]:
    """Every peer, removed ones too (for `peers list` and the console)."""
    return list(Peer.objects.order_by("name"))


def peer_by_origin_id(origin_id: str) -> Peer | None:
    return Peer.objects.filter(origin_id=origin_id.lower()).first()


def peer_by_name(name: str) -> Peer | None:
    return Peer.objects.filter(name=name).first()


def credential(peer: Peer) -> str:
    """The token this bank presents to `peer` (read from its file; empty if there is none)."""
    return tokens.read(peer.name)


def anchor(peer: Peer) -> rootdoc.RootDocument:
    return rootdoc.parse(peer.anchor_root)


def trusted_root(peer: Peer) -> rootdoc.RootDocument:
    """The newest root document of the peer's chain, re-checked from the anchor (the stored chain
    was checked when accepted; re-checking costs a few signatures and catches an edited row).
    Expiry is not checked here: a mirror keeps serving an origin's past."""
    current = rootdoc.verify_first(peer.anchor_root)
    for signed in peer.root_documents:
        candidate = rootdoc.parse(signed)
        if candidate.version > current.version:
            current = rootdoc.verify_next(current, signed)
    return current


def log_verifiers(peer: Peer) -> list[note.Verifier]:
    """The keys the peer's checkpoints must be signed with: those of its newest root document."""
    return list(trusted_root(peer).keys)

"""A peer's later root documents are accepted only along its own chain."""

from __future__ import annotations

import time

import pytest

from hashbank.peers import selectors, services
from hashbank.peers.errors import PeerError
from hashbank.peers.models import Peer
from hashbank.witness import selectors as witness_selectors
from hashbank.witness import services as witness_services
from member_portal.feed import note, origins, rootdoc

ORIGIN = "chain.bank.test/hashbank"
EXPIRES = int(time.time()) + 86400


def root(version: int, keys: list[note.Signer], signers: list[note.Signer]) -> str:
    text = rootdoc.render(ORIGIN, version, EXPIRES, [k.verifier for k in keys])
    return note.sign(text, signers)


@pytest.fixture
def chain_peer(db, key_dir):
    first = note.Signer.generate(ORIGIN)
    anchor = root(1, [first], [first])
    witness_services.add_log(origin=ORIGIN, vkeys=[str(first.verifier)])
    peer = Peer.objects.create(
        name="chain",
        url="http://127.0.0.1:9",
        origin=ORIGIN,
        origin_id=origins.origin_id(ORIGIN),
        anchor_root=anchor,
        anchor_version=1,
        root_documents=[anchor],
    )
    return peer, first


def test_a_chained_rotation_is_accepted_and_witnessed(chain_peer):
    peer, first = chain_peer
    second = note.Signer.generate(ORIGIN)
    v2 = root(2, [second], [first, second])
    assert services.accept_root_documents(peer=peer, signed=[peer.anchor_root, v2])
    peer.refresh_from_db()
    assert selectors.log_verifiers(peer) == [second.verifier]
    assert str(second.verifier) in witness_selectors.logs()[0]["keys"]
    assert not services.accept_root_documents(peer=peer, signed=[v2])  # nothing new


def test_a_root_not_signed_by_the_previous_keys_is_refused(chain_peer):
    peer, first = chain_peer
    stranger = note.Signer.generate(ORIGIN)
    with pytest.raises(PeerError) as refused:
        services.accept_root_documents(peer=peer, signed=[root(2, [stranger], [stranger])])
    assert refused.value.code == "peer_bad_root_document"
    peer.refresh_from_db()
    assert peer.root_documents == [peer.anchor_root]
    assert selectors.log_verifiers(peer) == [first.verifier]

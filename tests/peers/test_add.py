"""`manage.py peers add` pins a peer's root document against the key its operator gave out of
band, and refuses (storing nothing) whatever does not match."""

from __future__ import annotations

import json
import stat

import pytest
from django.core.management import CommandError, call_command

from hashbank.audit.models import AuditEntry
from hashbank.peers import selectors, tokens
from hashbank.peers.client import PeerClient
from hashbank.peers.models import Peer
from hashbank.witness import selectors as witness_selectors
from member_portal.feed import note, origins, rootdoc


def add(bank_a, token: str, key: str, name: str = "a") -> None:
    call_command(
        "peers", "add", bank_a.url, "--name", name, "--credential", token, "--expect-key", key
    )


def nothing_stored(name: str = "a") -> bool:
    return (
        not Peer.objects.exists()
        and not tokens.token_path(name).exists()
        and witness_selectors.logs() == []
        and not AuditEntry.objects.filter(action="peer.added").exists()
    )


def test_peers_add_pins_the_root_document_and_witnesses_the_peer(bank_a, bank_b):
    token = bank_a.peer_credential("peer-b1")
    add(bank_a, token, bank_a.log_key())

    peer = selectors.peer_by_name("a")
    assert peer.origin == bank_a.origin and peer.is_active
    assert peer.origin_id == origins.origin_id(bank_a.origin)
    assert selectors.peer_by_origin_id(peer.origin_id) == peer
    assert selectors.active_peers() == [peer]
    roots = bank_a.get("/api/v1/roots", Authorization=f"Bearer {token}").json()["roots"]
    assert peer.anchor_root == roots[-1] and peer.root_documents == [roots[-1]]
    assert [str(k) for k in selectors.log_verifiers(peer)] == [bank_a.log_key()]
    # The credential is a 0600 file, and not in the database.
    assert selectors.credential(peer) == token
    assert stat.S_IMODE(tokens.token_path("a").stat().st_mode) == 0o600
    assert token not in json.dumps(list(Peer.objects.values()), default=str)
    # This bank's witness now cosigns A, trusting A's pinned keys.
    (log,) = witness_selectors.logs()
    assert log["origin"] == bank_a.origin and log["keys"] == [bank_a.log_key()]
    assert AuditEntry.objects.filter(action="peer.added", target="peer a").exists()


def test_the_peer_client_presents_the_credential(bank_a, bank_b):
    add(bank_a, bank_a.peer_credential("peer-b2"), bank_a.log_key())
    status, headers, body = PeerClient(selectors.peer_by_name("a")).get("/api/v1/roots")
    assert status == 200 and json.loads(body)["roots"]


def test_a_key_that_is_not_the_peers_is_refused_and_nothing_stored(bank_a, bank_b):
    other = str(note.Signer.generate(bank_a.origin).verifier)
    with pytest.raises(CommandError, match="log keys are"):
        add(bank_a, bank_a.peer_credential("peer-b3"), other)
    assert nothing_stored()


def test_a_credential_the_peer_refuses_is_refused_and_nothing_stored(bank_a, bank_b):
    with pytest.raises(CommandError, match="answered 401"):
        add(bank_a, "hbk_nosuchkey_secret", bank_a.log_key())
    assert nothing_stored()


def test_an_unreachable_peer_is_refused_and_nothing_stored(bank_a, bank_b):
    with pytest.raises(CommandError, match="Error"):
        call_command(
            "peers",
            "add",
            "http://127.0.0.1:9/",
            "--name",
            "a",
            "--credential",
            "x",
            "--expect-key",
            bank_a.log_key(),
        )
    assert nothing_stored()


@pytest.mark.parametrize(
    "name,url,key",
    [
        ("Bad Name", None, None),
        ("a", "ftp://127.0.0.1/", None),
        ("a", None, "not-a-key"),
    ],
)
def test_malformed_arguments_are_refused(bank_a, bank_b, name, url, key):
    with pytest.raises(CommandError):
        call_command(
            "peers",
            "add",
            url or bank_a.url,
            "--name",
            name,
            "--credential",
            "tok",
            "--expect-key",
            key or bank_a.log_key(),
        )
    assert nothing_stored(name)


def test_a_peer_is_added_once(bank_a, bank_b):
    add(bank_a, bank_a.peer_credential("peer-b4"), bank_a.log_key())
    with pytest.raises(CommandError, match="exists"):
        add(bank_a, bank_a.peer_credential("peer-b5"), bank_a.log_key())
    with pytest.raises(CommandError, match="a peer already"):
        add(bank_a, bank_a.peer_credential("peer-b6"), bank_a.log_key(), name="again")
    assert Peer.objects.count() == 1


def test_the_anchor_is_a_root_document_of_the_pinned_key(bank_a, bank_b):
    add(bank_a, bank_a.peer_credential("peer-b7"), bank_a.log_key())
    anchor = rootdoc.verify_first(selectors.peer_by_name("a").anchor_root)
    assert [str(k) for k in anchor.keys] == [bank_a.log_key()]

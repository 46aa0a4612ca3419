"""`manage.py peers suspend|resume|remove|list`, audited; a removed peer stays removed."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from hashbank.audit.models import AuditEntry
from hashbank.peers import selectors, tokens
from hashbank.peers.models import Peer


@pytest.fixture
def peer(bank_a, bank_b):
    token = bank_a.peer_credential(f"peer-s{Peer.objects.count()}-{id(bank_b) % 100000}")
    call_command(
        "peers",
        "add",
        bank_a.url,
        "--name",
        "a",
        "--credential",
        token,
        "--expect-key",
        bank_a.log_key(),
    )
    return selectors.peer_by_name("a")


def actions() -> list[str]:
    return list(
        AuditEntry.objects.filter(action__startswith="peer.")
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_suspend_and_resume_are_audited(peer, capsys):
    call_command("peers", "suspend", "a")
    assert selectors.active_peers() == [] and selectors.peer_by_name("a").status == "suspended"
    call_command("peers", "resume", "a")
    assert selectors.active_peers() == [selectors.peer_by_name("a")]
    assert actions() == ["peer.added", "peer.suspended", "peer.resumed"]
    call_command("peers", "list")
    assert "a  active" in capsys.readouterr().out


def test_remove_deletes_the_credential_and_cannot_be_undone(peer):
    call_command("peers", "remove", "a")
    assert selectors.peer_by_name("a").status == "removed"
    assert not tokens.token_path("a").exists()
    with pytest.raises(CommandError, match="removed"):
        call_command("peers", "resume", "a")
    assert actions() == ["peer.added", "peer.removed"]


def test_an_unknown_peer_is_refused(bank_b):
    with pytest.raises(CommandError, match="no peer named"):
        call_command("peers", "suspend", "nobody")

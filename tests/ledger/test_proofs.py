"""Inclusion and consistency proofs from stored subtree hashes equal RFC 9162's definitions."""

from __future__ import annotations

import pytest

from hashbank.ledger import selectors, services
from hashbank.ledger.models import Entry, Node
from member_portal import verify
from member_portal.feed import checkpoint as checkpoints
from member_portal.feed import merkle, note
from tests.seeding import pending_signals
from tests.verify import independent

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(signing_key) -> list[bytes]:
    for count in (99, 199, 36):  # each seal adds its state entry: checkpoints 100, 300, 337
        pending_signals(count)
        services.seal()
    return [bytes(x) for x in Entry.objects.order_by("seq").values_list("leaf", flat=True)]


def test_tile_roots_are_stored_for_complete_level_8_subtrees(ledger) -> None:
    assert Node.objects.filter(level=8).count() == 1
    assert bytes(Node.objects.get(level=8, index=0).hash) == independent.mth(ledger[:256])


@pytest.mark.parametrize("index", [0, 1, 99, 255, 256, 300, 336])
def test_inclusion_proof_matches_rfc_and_verifies(ledger, index: int) -> None:
    size = len(ledger)
    proof = selectors.inclusion_proof(index, size)
    assert proof == independent.path(index, ledger)
    cp = checkpoints.parse(note.split(selectors.latest_checkpoint().note)[0])
    verify.verify_inclusion(cp, index, ledger[index], proof)


@pytest.mark.parametrize(
    ("old", "new"), [(1, 337), (100, 300), (256, 337), (300, 337), (337, 337), (255, 256)]
)
def test_consistency_proof_matches_rfc_and_verifies(ledger, old: int, new: int) -> None:
    proof = selectors.consistency_proof(old, new)
    assert proof == independent.proof(old, ledger[:new])
    merkle.verify_consistency(
        old, new, independent.mth(ledger[:old]), independent.mth(ledger[:new]), proof
    )


def test_consistency_between_stored_checkpoints(ledger) -> None:
    old = checkpoints.parse(note.split(selectors.checkpoint_for_size(100).note)[0])
    new = checkpoints.parse(note.split(selectors.checkpoint_for_size(300).note)[0])
    verify.verify_consistency(old, new, selectors.consistency_proof(100, 300))


def test_compact_range_at_an_old_size_is_rebuilt_from_stored_hashes(ledger) -> None:
    compact = selectors.compact_range_at(300)
    assert compact.root() == independent.mth(ledger[:300])

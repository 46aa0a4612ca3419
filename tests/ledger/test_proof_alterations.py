"""Proofs the bank serves verify for many (index, size) and (m, n) pairs, with the member's
verifier and against RFC 9162's definitions, and fail once altered in any way."""

from __future__ import annotations

import pytest

from hashbank.ledger import selectors, services
from hashbank.ledger.models import Entry
from member_portal.feed import merkle
from tests.seeding import pending_signals
from tests.verify import independent

pytestmark = pytest.mark.django_db

SIZES = [1, 2, 3, 5, 7, 8, 13, 64, 100, 129, 255, 256, 257, 299, 300]
PAIRS = [
    (1, 2),
    (1, 300),
    (2, 5),
    (3, 7),
    (4, 8),
    (6, 8),
    (7, 256),
    (100, 200),
    (255, 257),
    (256, 300),
    (257, 299),
]


@pytest.fixture
def leaves(signing_key) -> list[bytes]:
    """300 entries sealed in three batches (99 signals and a state entry each), so tile roots at
    level 8 exist and are used."""
    pending_signals(297)
    for _ in range(3):
        services.seal(max_batch=99)
    return [bytes(x) for x in Entry.objects.order_by("seq").values_list("leaf", flat=True)]


def altered(proof: list[bytes]) -> list[list[bytes]]:
    """Every way of spoiling a proof that a verifier must notice."""
    out = []
    for i in range(len(proof)):
        flipped = list(proof)
        flipped[i] = bytes([proof[i][0] ^ 0x10]) + proof[i][1:]
        out.append(flipped)
    if proof:
        out += [
            proof[:-1],
            proof[1:],
            proof[::-1] if len(proof) > 1 and proof[0] != proof[-1] else proof[:-1],
        ]
    out += [proof + [bytes(32)], [bytes(32)] + proof]
    return out


def test_inclusion_proofs_verify_and_equal_the_rfc_path_for_many_index_size_pairs(leaves):
    for size in SIZES:
        root = independent.mth(leaves[:size])
        for index in sorted({0, size // 3, size // 2, size - 1}):
            proof = selectors.inclusion_proof(index, size)
            assert proof == independent.path(index, leaves[:size]), (index, size)
            merkle.verify_inclusion(index, size, merkle.leaf_hash(leaves[index]), proof, root)


def test_altered_inclusion_proofs_are_rejected(leaves):
    for size in (5, 8, 129, 300):
        root = independent.mth(leaves[:size])
        for index in (0, size - 2):
            proof = selectors.inclusion_proof(index, size)
            digest = merkle.leaf_hash(leaves[index])
            for bad in altered(proof):
                with pytest.raises(merkle.ProofError):
                    merkle.verify_inclusion(index, size, digest, bad, root)
            with pytest.raises(merkle.ProofError):
                merkle.verify_inclusion(index + 1, size, digest, proof, root)
            with pytest.raises(merkle.ProofError):
                merkle.verify_inclusion(
                    index, size, merkle.leaf_hash(leaves[index + 1]), proof, root
                )


def test_consistency_proofs_verify_and_equal_the_rfc_proof_for_many_size_pairs(leaves):
    for old, new in PAIRS:
        proof = selectors.consistency_proof(old, new)
        assert proof == independent.proof(old, leaves[:new]), (old, new)
        merkle.verify_consistency(
            old, new, independent.mth(leaves[:old]), independent.mth(leaves[:new]), proof
        )


def test_altered_consistency_proofs_are_rejected(leaves):
    for old, new in [(3, 7), (6, 8), (100, 200), (257, 299)]:
        old_root, new_root = independent.mth(leaves[:old]), independent.mth(leaves[:new])
        proof = selectors.consistency_proof(old, new)
        for bad in altered(proof):
            with pytest.raises(merkle.ProofError):
                merkle.verify_consistency(old, new, old_root, new_root, bad)
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(old, new, new_root, old_root, proof)
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(old + 1, new, old_root, new_root, proof)


def test_a_proof_for_a_size_beyond_the_tree_is_refused(leaves):
    with pytest.raises(merkle.ProofError):
        selectors.inclusion_proof(0, 301)
    with pytest.raises(merkle.ProofError):
        selectors.inclusion_proof(5, 5)

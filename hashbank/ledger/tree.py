"""Subtree hashes from storage, for inclusion and consistency proofs (RFC 9162).

Only tile roots (levels 8, 16, ...) are stored (models.Node); lower hashes are recomputed from at
most 256 leaves or tile roots, so a proof costs O(log N) small queries at any size.
"""

from __future__ import annotations

from functools import lru_cache

from hashbank.ledger.models import Entry, Node
from member_portal.feed import merkle
from member_portal.feed.merkle import TILE


def _fold(hashes: list[bytes]) -> bytes:
    while len(hashes) > 1:
        hashes = [merkle.node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes), 2)]
    return hashes[0]


def make_perfect():
    @lru_cache(maxsize=4096)
    def perfect(level: int, index: int) -> bytes:
        base = (level // TILE) * TILE
        if level == base and level > 0:
            stored = (
                Node.objects.filter(level=level, index=index).values_list("hash", flat=True).first()
            )
            if stored is not None:
                return bytes(stored)
            base = level - TILE
        width = 1 << (level - base)
        first = index * width
        if base == 0:
            leaves = Entry.objects.filter(seq__gte=first, seq__lt=first + width).order_by("seq")
            hashes = [
                merkle.leaf_hash(bytes(leaf)) for leaf in leaves.values_list("leaf", flat=True)
            ]
        else:
            rows = dict(
                Node.objects.filter(
                    level=base, index__gte=first, index__lt=first + width
                ).values_list("index", "hash")
            )
            hashes = [
                bytes(rows[i]) if i in rows else perfect(base, i)
                for i in range(first, first + width)
            ]
        if len(hashes) != width:
            raise merkle.ProofError("the tree has no such subtree yet")
        return _fold(hashes)

    return perfect


def inclusion_proof(index: int, size: int) -> list[bytes]:
    if not 0 <= index < size:
        raise merkle.ProofError("index is outside the tree")
    return merkle.inclusion_path(index, 0, size, make_perfect())


def consistency_proof(old_size: int, new_size: int) -> list[bytes]:
    return merkle.consistency_path(old_size, new_size, make_perfect())


def root(size: int) -> bytes:
    if size == 0:
        return merkle.EMPTY_ROOT
    return merkle.subtree_root(0, size, make_perfect())

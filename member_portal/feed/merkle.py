"""The Merkle tree of RFC 6962 / RFC 9162: leaf and node hashing, the compact range a member keeps
(at most log2(N) hashes), and verification of inclusion and consistency proofs.

The bank computes proofs from stored subtree hashes (hashbank.ledger.tree); this module holds the
parts both sides share.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from member_portal.feed.sha import sha256 as _sha256

EMPTY_ROOT = _sha256(b"").digest()
# The bank stores the hashes of perfect subtrees at levels 8, 16, 24, ... (tiles of 2^8 leaves or
# tile roots, as in tlog) and recomputes the levels in between, so a proof reads at most 256 rows
# per tile. The sealer that writes them and the proofs that read them share this one constant.
TILE = 8


class ProofError(ValueError):
    """A proof or a range does not match the tree it claims."""


def leaf_hash(leaf: bytes) -> bytes:
    return _sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return _sha256(b"\x01" + left + right).digest()


class CompactRange:
    """The hashes of the perfect subtrees that make up a tree of `size` leaves, largest first.

    Appending leaves updates it in O(log N) per leaf; its root equals the tree's root. This is all a
    member needs to check that a new batch extends the tree it already verified.
    """

    __slots__ = ("size", "hashes")

    def __init__(self, size: int = 0, hashes: Iterable[bytes] = ()) -> None:
        self.size = size
        self.hashes = list(hashes)
        if len(self.hashes) != bin(size).count("1"):
            raise ProofError(f"a compact range of size {size} has {bin(size).count('1')} hashes")

    def copy(self) -> CompactRange:
        return CompactRange(self.size, self.hashes)

    def append_leaf_hash(
        self, digest: bytes, on_node: Callable[[int, int, bytes], None] | None = None
    ) -> None:
        """Append one leaf hash; `on_node(level, index, hash)` sees every perfect subtree completed."""
        size = self.size
        hashes = self.hashes
        level = 0
        while size & 1:
            digest = _sha256(b"\x01" + hashes.pop() + digest).digest()
            size >>= 1
            level += 1
            if on_node is not None:
                on_node(level, size, digest)
        hashes.append(digest)
        self.size += 1

    def extend(self, leaves: Iterable[bytes]) -> None:
        """Append raw leaves (hashing them), the hot loop of verification."""
        sha = _sha256
        hashes = self.hashes
        n = self.size
        for leaf in leaves:
            digest = sha(b"\x00" + leaf).digest()
            m = n
            while m & 1:
                digest = sha(b"\x01" + hashes.pop() + digest).digest()
                m >>= 1
            hashes.append(digest)
            n += 1
        self.size = n

    def root(self) -> bytes:
        if not self.hashes:
            return EMPTY_ROOT
        digest = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            digest = node_hash(left, digest)
        return digest

    def to_bytes(self) -> bytes:
        return b"".join(self.hashes)

    @classmethod
    def from_bytes(cls, size: int, data: bytes) -> CompactRange:
        if len(data) % 32:
            raise ProofError("compact range bytes are not a multiple of 32")
        return cls(size, [data[i : i + 32] for i in range(0, len(data), 32)])


def _largest_power_of_two_below(n: int) -> int:
    return 1 << ((n - 1).bit_length() - 1)


def root_from_inclusion_proof(
    index: int, size: int, leaf_digest: bytes, proof: list[bytes]
) -> bytes:
    """RFC 9162 section 2.1.3.2: the root implied by an inclusion proof."""
    if not 0 <= index < size:
        raise ProofError("index is outside the tree")
    fn, sn = index, size - 1
    digest = leaf_digest
    for sibling in proof:
        if sn == 0:
            raise ProofError("inclusion proof is too long")
        if fn & 1 or fn == sn:
            digest = node_hash(sibling, digest)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            digest = node_hash(digest, sibling)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("inclusion proof is too short")
    return digest


def verify_inclusion(
    index: int, size: int, leaf_digest: bytes, proof: list[bytes], root: bytes
) -> None:
    if root_from_inclusion_proof(index, size, leaf_digest, proof) != root:
        raise ProofError("inclusion proof does not lead to the checkpoint's root")


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: list[bytes]
) -> None:
    """RFC 9162 section 2.1.4.2: the tree of new_size extends the tree of old_size."""
    if old_size > new_size:
        raise ProofError("the new tree is smaller than the old one")
    if old_size == new_size:
        if proof:
            raise ProofError("a proof between equal sizes must be empty")
        if old_root != new_root:
            raise ProofError("same size, different roots")
        return
    if old_size == 0:
        if proof:
            raise ProofError("a proof from the empty tree must be empty")
        return
    if not proof:
        raise ProofError("consistency proof is empty")
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is the first node
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("consistency proof is too short")
    if fr != old_root:
        raise ProofError("consistency proof does not match the old root")
    if sr != new_root:
        raise ProofError("consistency proof does not match the new root")


def subtree_root(start: int, end: int, perfect: Callable[[int, int], bytes]) -> bytes:
    """MTH of leaves [start, end) given `perfect(level, index)` for aligned perfect subtrees."""
    n = end - start
    if n <= 0:
        raise ProofError("empty range")
    if n & (n - 1) == 0 and start % n == 0:
        return perfect(n.bit_length() - 1, start // n)
    k = _largest_power_of_two_below(n)
    return node_hash(subtree_root(start, start + k, perfect), subtree_root(start + k, end, perfect))


def inclusion_path(
    index: int, start: int, end: int, perfect: Callable[[int, int], bytes]
) -> list[bytes]:
    """RFC 9162 PATH(m, D[start:end]) for leaf `index` (absolute), leaves first to root."""
    n = end - start
    if n == 1:
        return []
    k = _largest_power_of_two_below(n)
    if index - start < k:
        return inclusion_path(index, start, start + k, perfect) + [
            subtree_root(start + k, end, perfect)
        ]
    return inclusion_path(index, start + k, end, perfect) + [
        subtree_root(start, start + k, perfect)
    ]


def consistency_path(
    old_size: int, new_size: int, perfect: Callable[[int, int], bytes]
) -> list[bytes]:
    """RFC 9162 PROOF(m, D[n])."""
    if not 0 < old_size <= new_size:
        if old_size == 0:
            return []
        raise ProofError("old size must not exceed new size")
    if old_size == new_size:
        return []
    return _subproof(old_size, 0, new_size, True, perfect)


def _subproof(
    m: int, start: int, end: int, whole: bool, perfect: Callable[[int, int], bytes]
) -> list[bytes]:
    n = end - start
    if m == n:
        return [] if whole else [subtree_root(start, end, perfect)]
    k = _largest_power_of_two_below(n)
    if m <= k:
        return _subproof(m, start, start + k, whole, perfect) + [
            subtree_root(start + k, end, perfect)
        ]
    return _subproof(m - k, start + k, end, False, perfect) + [
        subtree_root(start, start + k, perfect)
    ]

"""The published reference vectors: Go's sumdb/note tests (golang.org/x/mod/sumdb/note) and the
RFC 6962 vectors of the Certificate Transparency reference code (transparency-dev/merkle).
Both the production modules and the independent implementation in tests must reproduce them."""

from __future__ import annotations

import pytest

from member_portal.feed import merkle, note
from tests.verify import independent

PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
PETER_SIG = "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
ENOCH_SIG = "\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"

LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
ROOTS = [
    bytes.fromhex(h)
    for h in (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]
H = bytes.fromhex
INCLUSION = [  # (leaf index, tree size, proof)
    (
        0,
        8,
        [
            H("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            H("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        5,
        8,
        [
            H("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            H("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            H("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (2, 3, [H("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")]),
    (
        1,
        5,
        [
            H("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
            H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            H("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
]
CONSISTENCY = [  # (old size, new size, proof)
    (
        1,
        8,
        [
            H("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            H("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        6,
        8,
        [
            H("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            H("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            H("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (
        2,
        5,
        [
            H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            H("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
    (
        6,
        7,
        [
            H("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            H("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
            H("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
]


def test_go_note_verifier_key_parses_with_its_published_key_id() -> None:
    verifier = note.Verifier.parse(PETER_VKEY)
    assert verifier.key_id == 0xC74F20A3
    assert str(verifier) == PETER_VKEY
    assert independent.parse_vkey(PETER_VKEY)[1] == bytes.fromhex("c74f20a3")


def test_go_note_signer_key_reproduces_the_published_signature() -> None:
    signer = note.Signer.parse(PETER_SKEY)
    assert str(signer) == PETER_SKEY
    assert str(signer.verifier) == PETER_VKEY
    # Ed25519 is deterministic, so the signature must be the one Go's tests publish.
    assert note.sign(TEXT, [signer]) == TEXT + "\n" + PETER_SIG


def test_go_note_with_two_signatures_opens_with_either_key() -> None:
    signed = TEXT + "\n" + PETER_SIG + ENOCH_SIG
    text, by = note.open_note(signed, [note.Verifier.parse(PETER_VKEY)])
    assert text == TEXT and [v.name for v in by] == ["PeterNeumann"]
    _, by = note.open_note(
        signed, [note.Verifier.parse(PETER_VKEY), note.Verifier.parse(ENOCH_VKEY)]
    )
    assert {v.name for v in by} == {"PeterNeumann", "EnochRoot"}
    assert independent.open_note(signed, [PETER_VKEY, ENOCH_VKEY])[1] == [
        "PeterNeumann",
        "EnochRoot",
    ]


def test_go_note_with_no_known_key_is_rejected() -> None:
    with pytest.raises(note.NoteError):
        note.open_note(TEXT + "\n" + ENOCH_SIG, [note.Verifier.parse(PETER_VKEY)])


def test_go_note_with_corrupted_signature_is_rejected() -> None:
    bad = TEXT + "\n" + PETER_SIG[:60] + "ABCD" + PETER_SIG[60:]
    with pytest.raises(note.NoteError):
        note.open_note(bad, [note.Verifier.parse(PETER_VKEY)])


@pytest.mark.parametrize(
    "bad",
    [
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
)
def test_go_note_mangled_verifier_keys_are_rejected(bad: str) -> None:
    with pytest.raises(note.NoteError):
        note.Verifier.parse(bad)


@pytest.mark.parametrize("size", range(1, 9))
def test_rfc6962_roots_of_the_reference_leaves(size: int) -> None:
    compact = merkle.CompactRange()
    compact.extend(LEAVES[:size])
    assert compact.root() == ROOTS[size - 1]
    assert independent.mth(LEAVES[:size]) == ROOTS[size - 1]


def test_rfc6962_empty_tree_root_is_sha256_of_nothing() -> None:
    assert (
        merkle.CompactRange().root()
        == independent.mth([])
        == H("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    )


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_rfc6962_reference_inclusion_proofs(index: int, size: int, proof: list[bytes]) -> None:
    assert independent.path(index, LEAVES[:size]) == proof
    perfect = _perfect_from(LEAVES[:size])
    assert merkle.inclusion_path(index, 0, size, perfect) == proof
    merkle.verify_inclusion(index, size, merkle.leaf_hash(LEAVES[index]), proof, ROOTS[size - 1])
    for i in range(len(proof)):
        bad = list(proof)
        bad[i] = bytes([bad[i][0] ^ 8]) + bad[i][1:]
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(
                index, size, merkle.leaf_hash(LEAVES[index]), bad, ROOTS[size - 1]
            )
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(
            index, size, merkle.leaf_hash(LEAVES[index]), proof[:-1], ROOTS[size - 1]
        )
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(
            index, size, merkle.leaf_hash(LEAVES[index]), [*proof, ROOTS[0]], ROOTS[size - 1]
        )


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY)
def test_rfc6962_reference_consistency_proofs(old: int, new: int, proof: list[bytes]) -> None:
    assert independent.proof(old, LEAVES[:new]) == proof
    assert merkle.consistency_path(old, new, _perfect_from(LEAVES[:new])) == proof
    merkle.verify_consistency(old, new, ROOTS[old - 1], ROOTS[new - 1], proof)
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(old, new, ROOTS[new - 1], ROOTS[old - 1], proof)
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(old, new, ROOTS[old - 1], ROOTS[new - 1], proof[:-1])
    for i in range(len(proof)):
        bad = list(proof)
        bad[i] = bytes([bad[i][0] ^ 16]) + bad[i][1:]
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(old, new, ROOTS[old - 1], ROOTS[new - 1], bad)


def _perfect_from(leaves: list[bytes]):
    def perfect(level: int, index: int) -> bytes:
        width = 1 << level
        return independent.mth(leaves[index * width : (index + 1) * width])

    return perfect

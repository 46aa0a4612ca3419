"""Why the state commitment changed: the old additive digest admits a forged snapshot when the bank
picks the elements (it picks every salt), and the LtHash16 state refuses the same forgery.

The full-size attack on the 256-bit sum is Wagner's k-tree algorithm (about 2^31 work with 2^15
elements, /work/shared/FEDERATION.md 4): too slow for a test suite. The same algebra on a reduced
modulus, 2^32, needs only a birthday collision between two lists of salts, found in about a
second: the bank publishes a real signal under a salt it ground, and later serves a member a
snapshot that drops it and carries a value of its choice (say, one that blocks lawful content)
in its place. Same count, same sum mod 2^32."""

from __future__ import annotations

import io

import pytest

from member_portal import verify
from member_portal.feed import leaf as leaves
from member_portal.feed import setdigest, wire
from member_portal.feed.lthash import LtHash
from tests.verify import independent
from tests.verify.builder import Bank, pdq

REDUCED = 2**32
REAL = pdq(1000)  # a victim's hash the bank published
CHOSEN = pdq(2000)  # what the bank wants a member to match instead


def old_element(digest: bytes) -> int:
    return setdigest.element(digest) % REDUCED


def old_digest_reduced(digests: list[bytes]) -> int:
    """The old additive digest (setdigest.py) with its modulus reduced to 2^32: since 2^32
    divides 2^256, this is the full digest's low 32 bits."""
    return int.from_bytes(setdigest.SetDigest.of(digests).digest(), "big") % REDUCED


def colliding_salts() -> tuple[bytes, bytes]:
    """Salts s1, s2 with element(REAL under s1) = element(CHOSEN under s2) mod 2^32 (birthday:
    2^16 salts for REAL, then salts for CHOSEN until one collides, about 2^16 more)."""
    seen = {}
    for i in range(1 << 16):
        salt = b"real" + i.to_bytes(12, "big")
        seen[old_element(leaves.value_digest(salt, "pdq", 90, REAL))] = salt
    for i in range(1 << 22):
        salt = b"chsn" + i.to_bytes(12, "big")
        hit = seen.get(old_element(leaves.value_digest(salt, "pdq", 90, CHOSEN)))
        if hit is not None:
            return hit, salt
    raise AssertionError("no collision in 2^22 tries (expected after about 2^16)")


@pytest.fixture(scope="module")
def salts() -> tuple[bytes, bytes]:
    return colliding_salts()


def bank_with_ground_signal(real_salt: bytes) -> Bank:
    bank = Bank()
    for i in range(6):
        bank.add(pdq(i))
    bank.add(REAL, salt=real_salt)
    bank.remove(bank.add(pdq(99)))
    bank.seal_state()
    return bank


def forged_snapshot(bank: Bank, chosen_salt: bytes) -> bytes:
    """The bank's real snapshot with REAL's record dropped and CHOSEN's added in its place."""
    reader = wire.SnapshotReader(io.BytesIO(bank.snapshot()))
    records = list(reader.records())
    forged = [
        wire.encode_active_record(r.seq, r.type_code, 90, chosen_salt, CHOSEN)
        if r.value == REAL
        else wire.encode_active_record(r.seq, r.type_code, r.quality, r.salt, r.value)
        for r in records
    ]
    head = wire.encode_snapshot_header(
        reader.note, reader.compact_range, len(forged), reader.state_leaf
    )
    return head + b"".join(forged)


def digests_of(snapshot: bytes) -> list[bytes]:
    return [r.digest for r in wire.SnapshotReader(io.BytesIO(snapshot)).records()]


def test_the_bank_can_grind_two_salts_whose_old_elements_collide_mod_2_32(salts) -> None:
    real_salt, chosen_salt = salts
    real = leaves.value_digest(real_salt, "pdq", 90, REAL)
    chosen = leaves.value_digest(chosen_salt, "pdq", 90, CHOSEN)
    assert real != chosen
    assert old_element(real) == old_element(chosen)


def test_a_forged_snapshot_passes_the_old_check_on_the_reduced_modulus(salts) -> None:
    real_salt, chosen_salt = salts
    bank = bank_with_ground_signal(real_salt)
    real, forged = digests_of(bank.snapshot()), digests_of(forged_snapshot(bank, chosen_salt))
    assert set(real) != set(forged) and len(real) == len(forged) == 7
    assert old_digest_reduced(forged) == old_digest_reduced(real)  # the old check passes


def test_the_state_commitment_refuses_the_same_forged_snapshot(salts) -> None:
    real_salt, chosen_salt = salts
    bank = bank_with_ground_signal(real_salt)
    root = verify.trust_root(bank.root_document())
    verify.verify_snapshot(root, wire.SnapshotReader(io.BytesIO(bank.snapshot())))  # the real one
    forged = forged_snapshot(bank, chosen_salt)
    real, fake = digests_of(bank.snapshot()), digests_of(forged)
    assert LtHash.of(fake).digest() != LtHash.of(real).digest()
    assert independent.lthash16(fake) != independent.lthash16(real)
    with pytest.raises(verify.VerificationError, match="do not produce the state"):
        verify.verify_snapshot(root, wire.SnapshotReader(io.BytesIO(forged)))

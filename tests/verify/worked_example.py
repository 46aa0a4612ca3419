"""The worked example of docs/feed-format.md, built with the production modules from fixed inputs.

`python -m tests.verify.worked_example` prints the example's values; test_worked_example.py checks
that the document shows exactly these and that the independent implementation agrees with them.
"""

from __future__ import annotations

import base64
import hashlib

from member_portal.feed import checkpoint as checkpoints
from member_portal.feed import leaf as leaves
from member_portal.feed import merkle, note, rootdoc, wire
from member_portal.feed.lthash import LtHash, element, tier_element, tier_input
from member_portal.feed.setdigest import SetDigest

ORIGIN = "example.org/hashbank"
TIME = 1_700_000_000
SEED = hashlib.sha256(b"hashbank worked example key").digest()
PDQ = bytes.fromhex("f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22")
PDQ_QUALITY = 100
PDQ_SALT = bytes(range(16))
MD5 = bytes.fromhex("d41d8cd98f00b204e9800998ecf8427e")
MD5_SALT = bytes(range(16, 32))
PHASH = bytes.fromhex("d1d1b9b3a3830303")
PHASH_SALT = bytes(range(32, 48))


def build() -> dict:
    signer = note.Signer.from_seed(ORIGIN, SEED)
    d_pdq = leaves.value_digest(PDQ_SALT, "pdq", PDQ_QUALITY, PDQ)
    d_md5 = leaves.value_digest(MD5_SALT, "md5", None, MD5)
    leaf0 = leaves.encode_add(type_code=1, timestamp=TIME, digest=d_pdq)
    leaf1 = leaves.encode_add(type_code=2, timestamp=TIME, digest=d_md5)
    leaf2 = leaves.encode_remove(
        type_code=2, reason_code=1, timestamp=TIME + 60, digest=d_md5, target=1
    )
    payload0 = wire.encode_payload(PDQ_SALT, PDQ_QUALITY, PDQ)
    payload1 = wire.encode_payload(MD5_SALT, None, MD5)
    compact = merkle.CompactRange()
    compact.extend([leaf0, leaf1, leaf2])
    active = SetDigest()
    active.add(d_pdq)
    body = checkpoints.Checkpoint(
        ORIGIN, 3, compact.root(), TIME + 60, active.count, active.digest()
    )
    signed = note.sign(body.text(), [signer])
    root_text = rootdoc.render(ORIGIN, 1, TIME + 365 * 86400, [signer.verifier])

    # The switch: the next seal (a minute later) adds a phash and ends with the state entry.
    d_phash = leaves.value_digest(PHASH_SALT, "phash", None, PHASH)
    leaf3 = leaves.encode_add(type_code=3, timestamp=TIME + 120, digest=d_phash)
    payload3 = wire.encode_payload(PHASH_SALT, None, PHASH)
    state = LtHash.of([d_pdq, d_phash])
    leaf4 = leaves.encode_state(timestamp=TIME + 120, digest=state.digest(), count=state.count)
    compact4 = merkle.CompactRange()
    compact4.extend([leaf0, leaf1, leaf2, leaf3])
    compact5 = merkle.CompactRange()
    compact5.extend([leaf0, leaf1, leaf2, leaf3, leaf4])
    body5 = checkpoints.Checkpoint(
        ORIGIN, 5, compact5.root(), TIME + 120, 2, state.digest(), checkpoints.STATE
    )
    signed5 = note.sign(body5.text(), [signer])

    # Review tiers: a caseworker confirms the PDQ signal (entry 0) at 1700000180; the seal appends
    # the tier entry (entry 5) and the state entry (entry 6), whose state has the tier element.
    leaf5 = leaves.encode_tier(
        type_code=1,
        basis_code=leaves.BASIS_CODES["caseworker_review"],
        timestamp=TIME + 180,
        digest=d_pdq,
        target=0,
    )
    tiered = state.copy()
    tiered.add_tiers([tier_input(d_pdq, leaves.BASIS_CODES["caseworker_review"])])
    leaf6 = leaves.encode_state(timestamp=TIME + 180, digest=tiered.digest(), count=2)
    compact6 = merkle.CompactRange()
    compact6.extend([leaf0, leaf1, leaf2, leaf3, leaf4, leaf5])
    compact7 = merkle.CompactRange()
    compact7.extend([leaf0, leaf1, leaf2, leaf3, leaf4, leaf5, leaf6])
    body7 = checkpoints.Checkpoint(
        ORIGIN, 7, compact7.root(), TIME + 180, 2, tiered.digest(), checkpoints.STATE
    )
    signed7 = note.sign(body7.text(), [signer])
    return {
        "signer": str(signer),
        "verifier": str(signer.verifier),
        "key_id": f"{signer.key_id:08x}",
        "digest_pdq": d_pdq.hex(),
        "digest_md5": d_md5.hex(),
        "leaf0": leaf0.hex(),
        "leaf1": leaf1.hex(),
        "leaf2": leaf2.hex(),
        "leaf_hash0": merkle.leaf_hash(leaf0).hex(),
        "leaf_hash1": merkle.leaf_hash(leaf1).hex(),
        "leaf_hash2": merkle.leaf_hash(leaf2).hex(),
        "node01": merkle.node_hash(merkle.leaf_hash(leaf0), merkle.leaf_hash(leaf1)).hex(),
        "root": compact.root().hex(),
        "root_b64": base64.b64encode(compact.root()).decode(),
        "compact_range": compact.to_bytes().hex(),
        "set_element_pdq": hashlib.sha256(b"\x00" + d_pdq).hexdigest(),
        "set_digest": active.digest().hex(),
        "checkpoint": signed,
        "root_document": note.sign(root_text, [signer]),
        "page": wire.encode_entries(0, [(leaf0, payload0), (leaf1, payload1), (leaf2, b"")]).hex(),
        "snapshot_record": wire.encode_active_record(0, 1, PDQ_QUALITY, PDQ_SALT, PDQ).hex(),
        "digest_phash": d_phash.hex(),
        "leaf3": leaf3.hex(),
        "lthash_element_pdq_head": element(d_pdq)[:16].hex(),
        "lthash_element_phash_head": element(d_phash)[:16].hex(),
        "lthash_state_head": state.to_bytes()[:16].hex(),
        "state_commitment": state.digest().hex(),
        "leaf4": leaf4.hex(),
        "leaf_hash3": merkle.leaf_hash(leaf3).hex(),
        "leaf_hash4": merkle.leaf_hash(leaf4).hex(),
        "root5": compact5.root().hex(),
        "checkpoint5": signed5,
        "page5": wire.encode_entries(3, [(leaf3, payload3), (leaf4, b"")]).hex(),
        "snapshot5_head": wire.encode_snapshot_header(signed5, compact4.to_bytes(), 2, leaf4).hex(),
        "leaf5": leaf5.hex(),
        "tier_element_pdq_head": tier_element(d_pdq, 4)[:16].hex(),
        "lthash_state7_head": tiered.to_bytes()[:16].hex(),
        "state_commitment7": tiered.digest().hex(),
        "leaf6": leaf6.hex(),
        "root7": compact7.root().hex(),
        "checkpoint7": signed7,
        "page7": wire.encode_entries(5, [(leaf5, b""), (leaf6, b"")]).hex(),
        "snapshot7_records": (
            wire.encode_active_record(0, 1, PDQ_QUALITY, PDQ_SALT, PDQ, 4)
            + wire.encode_active_record(3, 3, None, PHASH_SALT, PHASH, 0)
        ).hex(),
        "snapshot7_head": wire.encode_snapshot_header(
            signed7, compact6.to_bytes(), 2, leaf6, tiers=True
        ).hex(),
    }


if __name__ == "__main__":
    for name, value in build().items():
        print(f"== {name}\n{value}")

"""The receipt and removal-proof worked example of docs/feed-format.md (section 10), built from
the feed's own worked example (tests/verify/worked_example.py) with fixed inputs.

`python -m tests.receipts.worked_example` prints the values; test_worked_example.py checks that
the document shows exactly these and that both verifiers accept them."""

from __future__ import annotations

import hashlib

from member_portal.feed import cosignature, merkle, note, proof
from tests.verify import worked_example

RECEIPT_NAME = "receipts.platform.example/hashbank"
RECEIPT_SEED = hashlib.sha256(b"hashbank receipts example member key").digest()
RECEIPT_TIME = 1_700_000_120


def build() -> dict:
    feed = worked_example.build()
    key = cosignature.Cosigner.from_seed(RECEIPT_NAME, RECEIPT_SEED)
    signed = feed["checkpoint"]
    text, _ = note.split(signed)
    receipt = cosignature.append(signed, key.cosign(text, RECEIPT_TIME))
    leaf2 = bytes.fromhex(feed["leaf2"])
    hashes = [bytes.fromhex(feed["node01"])]
    removal = proof.Proof(index=2, hashes=hashes, checkpoint=receipt, extra=leaf2)
    assert (
        merkle.root_from_inclusion_proof(2, 3, merkle.leaf_hash(leaf2), hashes).hex()
        == feed["root"]
    )
    return {
        "receipt_private_key": str(key),
        "receipt_vkey": str(key.verifier),
        "receipt": receipt,
        "proof": removal.text(),
        "log_vkey": feed["verifier"],
        "root_document": feed["root_document"],
    }


if __name__ == "__main__":
    for name, value in build().items():
        print(f"== {name}\n{value}")

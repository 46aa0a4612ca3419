"""docs/witness.md's worked exchange is what the witness and the spec produce."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from member_portal.feed import cosignature
from member_portal.feed import witness as wire
from tests.verify import independent
from tests.witness.peer import PeerLog

DOC = (Path(__file__).resolve().parents[2] / "docs" / "witness.md").read_text()
WITNESS_NAME = "bank.example.org/hashbank/witness"
TIME = 1764650000


def blocks() -> list[str]:
    return re.findall(r"```\n(.*?)```", DOC, flags=re.S)


def test_the_documented_request_is_the_peers_request_from_3_to_8():
    peer = PeerLog("peer.example.org/hashbank", leaves=8)
    (request,) = [b for b in blocks() if b.startswith("POST /witness/add-checkpoint")]
    body = request.split("\n\n", 1)[1].encode()
    assert body == peer.request(3, 8)
    assert wire.parse_add_checkpoint(body).checkpoint().size == 8
    assert peer.vkey in DOC


def test_the_documented_answer_verifies_under_the_documented_witness_key():
    peer = PeerLog("peer.example.org/hashbank", leaves=8)
    vkey = re.search(rf"`({re.escape(WITNESS_NAME)}\+[0-9a-f]{{8}}\+\S+)`", DOC).group(1)
    (answer,) = [b for b in blocks() if b.startswith("200 OK")]
    line = answer.splitlines(keepends=True)[-1]
    assert independent.verify_cosignature(peer.body(8), line, vkey) == TIME
    # The key is the one the docs' seed makes, so the example can be regenerated.
    cosigner = cosignature.Cosigner.from_seed(
        WITNESS_NAME, hashlib.sha256(b"docs witness").digest()
    )
    assert str(cosigner.verifier) == vkey and cosigner.cosign(peer.body(8), TIME).line() == line


def test_the_documented_monitoring_url_hashes_the_origin():
    digest = hashlib.sha256(b"peer.example.org/hashbank").hexdigest()
    assert f"/witness/{digest}/checkpoint" in DOC

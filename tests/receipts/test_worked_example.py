"""docs/feed-format.md sections 10 and 11 show exactly what the feed's modules build from the fixed
inputs of tests/receipts/worked_example.py, and both verifiers accept the example's proof."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from member_portal import verify
from tests.receipts import worked_example
from tests.verify import independent

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "feed-format.md").read_text()


def test_the_document_shows_the_receipt_and_the_proof_byte_for_byte():
    built = worked_example.build()
    for name in ("receipt_private_key", "receipt_vkey", "receipt", "proof"):
        assert built[name] in DOC, name


def test_the_reference_verifier_accepts_the_worked_example(tmp_path):
    built = worked_example.build()
    root = verify.trust_root(built["root_document"], now=1_700_000_200)
    done = verify.verify_removal_proof(built["proof"], root, [built["receipt_vkey"]])
    assert (done.index, done.target, done.size) == (2, 1, 3)
    assert done.receipts == [worked_example.RECEIPT_NAME]


def test_the_independent_verifier_accepts_the_worked_example():
    built = worked_example.build()
    checked = independent.verify_tlog_proof(
        built["proof"], built["log_vkey"], "example.org/hashbank", [built["receipt_vkey"]]
    )
    assert checked["leaf"]["kind"] == 2 and checked["leaf"]["target"] == 1
    assert checked["receipts"] == [worked_example.RECEIPT_NAME]


def test_the_command_line_prints_what_the_document_says(tmp_path):
    built = worked_example.build()
    (tmp_path / "root.note").write_text(built["root_document"])
    (tmp_path / "removal.tlog-proof").write_text(built["proof"])
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "member_portal.verify",
            "proof",
            "--root",
            "root.note",
            "--at",
            "1700000200",
            "--receipt-key",
            built["receipt_vkey"],
            "removal.tlog-proof",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() in " ".join(DOC.split())

"""The bank witnessing its own log, in front of the member tools: `own_witness(bank, proxy)` makes
the bank's witness key, approves the bank's own log, and makes the proxy append the witness's
cosignature (from a real `POST /witness/add-checkpoint`) to every checkpoint it serves."""

from __future__ import annotations

import urllib.request
from pathlib import Path

from hashbank.ledger import selectors as ledger_selectors
from hashbank.witness import services as witness
from member_portal.feed import cosignature

CHECKPOINT = "/api/v1/checkpoint"


def own_witness(bank, proxy) -> cosignature.Cosigner:
    """The bank's witness; from now on the proxy's checkpoints carry its cosignature."""
    cosigner, _ = witness.init_key()
    root = ledger_selectors.current_root()
    witness.add_log(origin=root.origin, vkeys=[str(k) for k in root.keys])
    lines: dict[str, str] = {}  # note -> its cosignature line: the witness is asked once

    def cosign(path: str, body: bytes) -> bytes:
        if not path.startswith(CHECKPOINT):
            return body
        signed = body.decode()
        if signed not in lines:
            # Each test asks about one checkpoint only, so `old 0` (no proof) is always right.
            request = urllib.request.Request(
                f"{bank.url}/witness/add-checkpoint",
                data=f"old 0\n\n{signed}".encode(),
                headers={"Content-Type": "text/plain"},
            )
            with urllib.request.urlopen(request) as answer:  # noqa: S310 (the test's bank)
                lines[signed] = answer.read().decode()
        return (signed + lines[signed]).encode()

    proxy.tamper = cosign
    return cosigner


def bank_witnessed_by_itself(bank, settings, directory: Path) -> cosignature.Cosigner:
    """The bank's witness approves the bank's own log and the bank's witness policy names it (at
    the live server): from now on the bank publishes only checkpoints it cosigned, snapshots
    included (hashbank.publishing)."""
    cosigner, _ = witness.init_key()
    root = ledger_selectors.current_root()
    witness.add_log(origin=root.origin, vkeys=[str(k) for k in root.keys])
    settings.HASHBANK_WITNESS_POLICY = str(
        write_policy(
            directory / "bank-policy",
            f"witness bank {cosigner.verifier} {bank.url}/witness",
            "quorum bank",
        )
    )
    return cosigner


def write_policy(path: Path, *lines: str) -> Path:
    path.write_text("# pinned by the test\n" + "".join(f"{line}\n" for line in lines))
    return path

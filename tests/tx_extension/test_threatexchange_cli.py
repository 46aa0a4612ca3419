"""The real `threatexchange` command-line tool, with our extension, syncing from a running bank."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import transaction

from hashbank.cases import services as cases
from hashbank.ledger import selectors
from member_portal.feed import checkpoint as checkpoints
from member_portal.feed import cosignature, note
from tests.client.witnessed import bank_witnessed_by_itself, own_witness, write_policy
from tests.fixtures.legacy import drop_last_state_entry, seal_before_the_switch
from tests.fixtures.values import ATTESTED, MD5_VALUE, PDQ_VALUES
from tests.publishing.banks import wait_for

ROOT = Path(__file__).resolve().parents[2]
TX = Path(sys.executable).with_name("threatexchange")


@pytest.fixture
def tx(bank, tmp_path):
    """tx(*args): run `threatexchange` with its own state dir and home, and our token."""
    home = tmp_path / "home"
    home.mkdir()
    env = {
        **os.environ,
        "HOME": str(home),
        "TX_STATEDIR": str(tmp_path / "tx-state"),
        "TX_HASHBANK_TOKEN": bank.token,
        "PYTHONPATH": str(ROOT),
    }

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [str(TX), *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0 or not check, done.stderr
        return done

    run("config", "extensions", "add", "member_portal.tx_extension")
    run(
        "config",
        "collab",
        "edit",
        "hashbank",
        "nii_bank",
        "--create",
        "--base-url",
        bank.url,
        "--root-file",
        str(bank.write_root()),
    )
    return run


def _signals(tx) -> set[tuple[str, str]]:
    out = tx("dataset", "-P", "-S").stdout
    return {tuple(line.split()[:2]) for line in out.splitlines() if line.strip()}


def test_fetch_brings_the_verified_feed_into_threatexchange(bank, tx):
    bank.publish()
    bank.snapshot()
    bank.publish([("md5", MD5_VALUE)])

    tx("fetch")

    assert _signals(tx) == {("pdq", v) for v in PDQ_VALUES} | {("video_md5", MD5_VALUE)}


def test_fetch_ignores_the_grease_signature_of_every_checkpoint(bank, tx):
    bank.publish()
    bank.snapshot()
    assert any(note.is_grease(sig) for sig in note.split(selectors.latest_checkpoint().note)[1])

    tx("fetch")

    assert _signals(tx) == {("pdq", v) for v in PDQ_VALUES}


def test_removal_in_the_bank_disappears_from_the_next_fetch(bank, tx):
    bank.publish()
    case = bank.publish([("md5", MD5_VALUE)])
    bank.snapshot()
    tx("fetch")
    assert ("video_md5", MD5_VALUE) in _signals(tx)

    bank.withdraw(case)
    tx("fetch")

    assert _signals(tx) == {("pdq", v) for v in PDQ_VALUES}


def test_fetched_pdq_matches_with_threatexchange_match(bank, tx):
    bank.publish()
    bank.snapshot()
    tx("fetch")

    done = tx("match", "--hashes", "photo", "--", PDQ_VALUES[1])

    assert "nii_bank" in done.stdout


def test_tampered_delta_fails_the_fetch_and_stores_nothing(bank, tx, proxy, tmp_path):
    from member_portal.feed import wire

    bank.publish()
    bank.snapshot()
    tx("config", "collab", "edit", "hashbank", "nii_bank", "--base-url", proxy.url)
    tx("fetch")
    bank.publish([("md5", MD5_VALUE)])

    def drop_a_byte_of_the_value(path, body):
        if path.startswith("/api/v1/entries"):
            start, records = wire.decode_entries(body)
            leaf, payload = records[-1]
            return wire.encode_entries(start, records[:-1] + [(leaf, payload[:-1] + b"\0")])
        return body

    proxy.tamper = drop_a_byte_of_the_value
    failed = tx("fetch", check=False)

    assert failed.returncode != 0
    assert _signals(tx) == {("pdq", v) for v in PDQ_VALUES}


@pytest.mark.usefixtures("tasks_in_process")
def test_fetch_with_a_policy_needs_the_witness_quorum_and_then_keeps_requiring_it(
    bank, tx, tmp_path, settings
):
    # The bank publishes only what its own witness cosigned: its snapshot's checkpoint too.
    ours = bank_witnessed_by_itself(bank, settings, tmp_path)
    bank.publish()
    bank.snapshot()
    policy = write_policy(tmp_path / "policy", f"witness bank {ours.verifier}", "quorum bank")
    tx("config", "collab", "edit", "hashbank", "nii_bank", "--policy-file", str(policy))

    tx("fetch")
    assert _signals(tx) == {("pdq", v) for v in PDQ_VALUES}

    settings.HASHBANK_WITNESS_POLICY = ""  # now the bank publishes what nobody cosigned
    bank.publish([("md5", MD5_VALUE)])
    failed = tx("-v", "fetch", check=False)  # its own signature only

    assert failed.returncode != 0
    assert "quorum bank is not met: witness bank did not cosign" in failed.stderr
    assert _signals(tx) == {("pdq", v) for v in PDQ_VALUES}


def test_fetch_with_a_two_of_two_policy_stores_nothing_and_names_the_missing_witness(
    bank, tx, proxy, tmp_path
):
    bank.publish()
    bank.snapshot()
    ours = own_witness(bank, proxy)
    other = cosignature.Cosigner.generate("other-witness.example")
    policy = write_policy(
        tmp_path / "policy",
        f"witness bank {ours.verifier}",
        f"witness other {other.verifier}",
        "group both 2 bank other",
        "quorum both",
    )
    tx("config", "collab", "edit", "hashbank", "nii_bank", "--base-url", proxy.url)
    tx("config", "collab", "edit", "hashbank", "nii_bank", "--policy-file", str(policy))

    failed = tx("-v", "fetch", check=False)  # -v: the reason is logged

    assert failed.returncode != 0
    assert "missing other (cosigned by: bank)" in failed.stderr
    assert "No stored state" in tx("dataset", "-P", "-S", check=False).stderr


def test_fetch_follows_a_bank_across_its_switch_to_state_entries(bank, tx):
    with transaction.atomic():  # the seal requested on commit then finds nothing to seal
        cases.submit_case(
            hashes=[{"type": "pdq", "value": v, "quality": 90} for v in PDQ_VALUES],
            attestations=ATTESTED,
        )
        seal_before_the_switch()
    bank.snapshot()  # v1
    tx("fetch")
    bank.publish([("md5", MD5_VALUE)])  # the switch

    tx("fetch")

    assert _signals(tx) == {("pdq", v) for v in PDQ_VALUES} | {("video_md5", MD5_VALUE)}


def test_fetch_refuses_a_bank_that_drops_its_state_entry_after_the_switch(bank, tx):
    bank.publish()
    bank.snapshot()
    tx("fetch")
    bank.publish([("md5", MD5_VALUE)])
    dropped = drop_last_state_entry()

    failed = tx("-v", "fetch", check=False)

    assert failed.returncode != 0
    assert f"entry {dropped.size - 1} is not a state entry" in failed.stderr
    assert _signals(tx) == {("pdq", v) for v in PDQ_VALUES}


def _confirm(value: str) -> None:
    from hashbank.ledger import services as ledger
    from hashbank.signals import services as signals
    from hashbank.signals.models import Signal

    signals.corroborate(
        signal=Signal.objects.get(value=value), basis="caseworker_review", by="staff alice"
    )
    ledger.seal()


def _tagged(tx, tag: str) -> set[str]:
    out = tx("dataset", "-P", "-S", "--only-tags", tag).stdout
    return {line.split()[1] for line in out.splitlines() if line.strip()}


def test_fetched_signals_carry_their_review_tier_from_snapshot_and_delta(bank, tx):
    bank.publish()
    _confirm(PDQ_VALUES[0])
    bank.snapshot()
    tx("fetch")
    assert _tagged(tx, "confirmed") == {PDQ_VALUES[0]}
    assert _tagged(tx, "unreviewed") == set(PDQ_VALUES[1:])

    _confirm(PDQ_VALUES[2])  # a tier entry for a signal fetched before: only its tier changes
    tx("fetch")

    assert _tagged(tx, "confirmed") == {PDQ_VALUES[0], PDQ_VALUES[2]}
    assert _signals(tx) == {("pdq", v) for v in PDQ_VALUES}


def test_the_cli_takes_the_freshness_limits_and_tags_a_stale_origins_signals(bank, tx):
    bank.publish()
    bank.snapshot()
    tx("fetch")
    assert _tagged(tx, "stale_origin") == set()
    text, _ = note.split(selectors.latest_checkpoint().note)
    signed_at = checkpoints.parse(text).time  # the time the extension's freshness reads
    wait_for(lambda: int(time.time()) > signed_at, timeout=5, what="a second passes")

    tx("config", "collab", "edit", "hashbank", "nii_bank", "--review-after", "1")
    tx("fetch")

    assert _tagged(tx, "stale_origin") == set(PDQ_VALUES)
    tx("config", "collab", "edit", "hashbank", "nii_bank", "--off-after", "1")
    tx("fetch")
    assert _signals(tx) == set()

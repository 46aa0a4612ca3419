"""`hashbank-member sync --policy FILE`: checkpoints must carry the witness quorum the pinned
C2SP tlog-policy asks for; the policy is kept in the state file for later syncs."""

from __future__ import annotations

import base64

import pytest

from member_portal.feed import cosignature
from tests.client.witnessed import bank_witnessed_by_itself, own_witness, write_policy
from tests.fixtures.values import MD5_VALUE

UNVERIFIED, NOT_SYNCED = 3, 6


def test_a_checkpoint_cosigned_by_the_banks_witness_meets_a_one_of_one_policy(
    bank, client, proxy, tmp_path
):
    bank.publish()
    ours = own_witness(bank, proxy)
    policy = write_policy(tmp_path / "policy", f"witness bank {ours.verifier}", "quorum bank")

    code, result = client("sync", "--policy", str(policy), url=proxy.url)

    assert code == 0, result
    assert result["bootstrapped"] and result["active"] > 0
    assert client("status")[1]["policy_quorum"] == "bank"


def test_a_two_of_two_policy_refuses_the_checkpoint_and_names_the_missing_witness(
    bank, client, proxy, tmp_path
):
    bank.publish()
    ours = own_witness(bank, proxy)
    other = cosignature.Cosigner.generate("other-witness.example")
    policy = write_policy(
        tmp_path / "policy",
        f"witness bank {ours.verifier}",
        f"witness other {other.verifier}",
        "group both all bank other",
        "quorum both",
    )

    code, result = client("sync", "--policy", str(policy), url=proxy.url)

    assert code == UNVERIFIED
    message = result["error"]["message"]
    assert "quorum both is not met" in message
    assert "missing other" in message and "(cosigned by: bank)" in message
    assert client("status")[0] == NOT_SYNCED  # nothing was stored


def test_the_grease_signature_alone_does_not_meet_the_policy(bank, client, tmp_path):
    bank.publish()
    witness = cosignature.Cosigner.generate("w.example")
    policy = write_policy(tmp_path / "policy", f"witness w {witness.verifier}", "quorum w")

    code, result = client("sync", "--policy", str(policy))  # straight from the bank: grease only

    assert code == UNVERIFIED
    assert "witness w did not cosign" in result["error"]["message"]


def test_a_forged_cosignature_by_a_listed_witness_is_refused(bank, client, proxy, tmp_path):
    bank.publish()
    ours = own_witness(bank, proxy)
    blob = ours.key_id.to_bytes(4, "big") + (1_700_000_000).to_bytes(8, "big") + bytes(64)
    forged = f"\u2014 {ours.name} {base64.b64encode(blob).decode()}\n".encode()
    # The bank's checkpoint with a line in the witness's name and key id, not by its key.
    proxy.tamper = lambda path, body: (
        body + forged if path.startswith("/api/v1/checkpoint") else body
    )
    policy = write_policy(tmp_path / "policy", f"witness bank {ours.verifier}", "quorum bank")

    code, result = client("sync", "--policy", str(policy), url=proxy.url)

    assert code == UNVERIFIED
    assert f"invalid cosignature by {ours.name}" in result["error"]["message"]


def test_the_pinned_policy_keeps_applying_to_later_syncs(bank, client, proxy, tmp_path):
    bank.publish()
    ours = own_witness(bank, proxy)
    policy = write_policy(tmp_path / "policy", f"witness bank {ours.verifier}", "quorum bank")
    assert client("sync", "--policy", str(policy), url=proxy.url)[0] == 0
    bank.publish([("md5", MD5_VALUE)])

    code, result = client("sync")  # no --policy, and straight from the bank: not cosigned

    assert code == UNVERIFIED
    assert "witness bank did not cosign" in result["error"]["message"]


def test_without_a_policy_an_unwitnessed_checkpoint_syncs_as_before(bank, client):
    bank.publish()
    code, result = client("sync")
    assert code == 0 and result["active"] > 0
    assert client("status")[1]["policy_quorum"] is None


def test_a_policy_file_that_does_not_parse_is_a_usage_error(bank, client, tmp_path):
    policy = write_policy(tmp_path / "policy", "witness w not-a-key", "quorum w")
    code, result = client("sync", "--policy", str(policy))
    assert code == 2
    assert "policy line 2: witness w: malformed verifier key" in result["error"]["message"]


def test_a_first_sync_refuses_a_snapshot_whose_checkpoint_lacks_the_quorum(
    bank, client, proxy, tmp_path
):
    # The snapshot is built from a checkpoint nobody cosigned; the latest checkpoint is cosigned.
    bank.publish()
    bank.snapshot()
    bank.publish([("md5", MD5_VALUE)])
    ours = own_witness(bank, proxy)
    policy = write_policy(tmp_path / "policy", f"witness bank {ours.verifier}", "quorum bank")

    code, result = client("sync", "--policy", str(policy), url=proxy.url)

    assert code == UNVERIFIED
    message = result["error"]["message"]
    assert message.startswith("snapshot's checkpoint: ")
    assert "witness bank did not cosign" in message
    assert client("status")[0] == NOT_SYNCED  # nothing was stored


@pytest.mark.usefixtures("tasks_in_process")
def test_a_first_sync_bootstraps_from_a_snapshot_of_a_checkpoint_the_bank_published_witnessed(
    bank, client, tmp_path, settings
):
    ours = bank_witnessed_by_itself(bank, settings, tmp_path)
    bank.publish()
    snapshot = bank.snapshot()
    assert snapshot is not None
    policy = write_policy(tmp_path / "policy", f"witness bank {ours.verifier}", "quorum bank")

    code, result = client("sync", "--policy", str(policy))  # straight from the bank

    assert code == 0, result
    assert result["bootstrapped"] and result["active"] > 0
    assert result["size"] == snapshot.size

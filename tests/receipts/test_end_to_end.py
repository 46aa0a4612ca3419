"""Done-when of issue 14, end to end with a real Celery worker (with REDIS_URL; without it the
embedded mode runs the same tasks in-process, as `make run` does): a person submits a case, two
platforms sync (one with the reference client and a receipt key, one through the `threatexchange`
CLI with our extension), the person withdraws, both sync again, and the status page says both
applied the withdrawal; the removal's tlog-proof verifies offline; a purge before the second
platform acknowledged is held back."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from hashbank.ledger import selectors as ledger
from hashbank.receipts import selectors as receipts
from hashbank.signals.models import Signal
from member_portal.client import cli
from member_portal.feed import cosignature
from member_portal.members import services as member_services
from member_portal.stopncii import selectors as facade
from tests.fixtures.values import ATTESTED, MD5_VALUE
from tests.publishing.banks import wait_for
from tests.submissions.conftest import post_json
from tests.tx_extension.test_threatexchange_cli import tx  # noqa: F401  (the fixture)

ROOT = Path(__file__).resolve().parents[2]


def _person() -> Client:
    client = Client(enforce_csrf_checks=True)
    client.get("/submit/")
    client.token = client.cookies["csrftoken"].value
    return client


def _sealed_past(size: int) -> int:
    """Wait for the worker (or the in-process task) to publish a checkpoint larger than `size`."""
    latest = wait_for(
        lambda: (c := ledger.latest_checkpoint()) is not None and c.size > size and c,
        what=f"a checkpoint larger than {size}",
    )
    return latest.size


@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_reaches_both_platforms_and_the_person_sees_it(
    bank,
    worker_or_in_process,
    tx,  # noqa: F811
    member,
    other_member,
    other_token,
    tmp_path,
    monkeypatch,
    settings,
):
    settings.HASHBANK_WITHDRAWAL_COOLING_OFF = 0  # the withdrawal takes effect at once
    # Globex runs the reference client with a receipt key; Acme runs threatexchange + extension.
    key = cosignature.Cosigner.generate("receipts.globex.example/hashbank")
    member_services.register_receipt_key(member=other_member, vkey=str(key.verifier))
    (tmp_path / "globex.key").write_text(f"{key}\n")
    monkeypatch.setenv("HASHBANK_TOKEN", other_token)
    state = tmp_path / "globex-state.sqlite"

    def globex_sync() -> dict:
        out = io.StringIO()
        argv = ["--state", str(state), "--json", "sync", "--server", bank.url]
        argv += ["--root", str(bank.write_root()), "--receipt-key", str(tmp_path / "globex.key")]
        with redirect_stdout(out):
            assert cli.main(argv) == 0
        return json.loads(out.getvalue())

    person = _person()
    submitted = post_json(
        person,
        "/api/v1/submissions",
        {"hashes": [{"type": "md5", "value": MD5_VALUE}], "attestations": ATTESTED},
    )
    assert submitted.status_code == 201, submitted.content
    credentials = {"case_number": submitted.json()["case_number"], "pin": submitted.json()["pin"]}
    added = _sealed_past(0)

    tx("fetch")
    assert globex_sync()["active"] == 1
    tx("fetch")  # acknowledges what the first fetch stored

    withdrawn = post_json(person, "/api/v1/cases/withdraw", {**credentials, "hashes": "all"})
    assert withdrawn.status_code == 200, withdrawn.content
    removal = _sealed_past(added)

    assert globex_sync()["removed"] == 1  # applied, and receipted
    tx("fetch")  # applies the removal; acknowledges only the state before it
    signal = Signal.objects.get(value=MD5_VALUE)
    assert receipts.applied_for_signals([signal])[signal.pk].removed == 1

    # A purge now is held back: Acme has not acknowledged the removal yet, and the StopNCII
    # facade keeps serving the value as Deleted, once.
    call_command("ledger", "purge", "--removed-days", "0")
    signal.refresh_from_db()
    assert signal.purged_at is None and signal.value == MD5_VALUE
    page = facade.fetch_page(start_timestamp=0, page_size=1000, page_token=None)
    assert [r["hashStatus"] for r in page["hashRecords"] if r["hashValue"] == MD5_VALUE] == [
        "Deleted"
    ]

    tx("fetch")  # acknowledges the removal
    assert receipts.position(member).size >= removal

    status = post_json(person, "/api/v1/cases/status", credentials).json()["hashes"]
    assert [(h["status"], h["platforms"], h["removal_applied_by"]) for h in status] == [
        ("withdrawn", 2, 2)
    ]
    html = (
        Client()
        .post(
            "/status/",
            f"case_number={credentials['case_number']}&pin={credentials['pin']}",
            content_type="application/x-www-form-urlencoded",
            follow=True,  # post/redirect/get: the case's page
        )
        .content.decode()
    )
    assert "Your withdrawal has been applied by all 2 participating platforms." in html

    # The removal's proof, with Globex's receipt, verifies offline.
    proof_file = tmp_path / "removal.tlog-proof"
    proof_file.write_text(receipts.removal_proof(signal))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "member_portal.verify",
            "proof",
            "--root",
            str(bank.write_root()),
            "--receipt-key",
            str(key.verifier),
            str(proof_file),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "applied by: receipts.globex.example/hashbank" in done.stdout

    # Now that both applied it, the purge goes ahead.
    call_command("ledger", "purge", "--removed-days", "0")
    signal.refresh_from_db()
    assert signal.purged_at is not None

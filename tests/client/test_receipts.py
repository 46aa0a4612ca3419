"""The reference client acknowledges each applied sync with a signed receipt when given a receipt
key (`hashbank-member receipt-key` makes one), and the bank keeps it."""

import io
import json
import os
from contextlib import redirect_stdout

from hashbank.ledger import selectors
from hashbank.receipts.models import Acknowledgement
from member_portal.client import cli
from member_portal.feed import cosignature, note
from member_portal.members import services as member_services
from tests.fixtures.values import MD5_VALUE


def _new_key(tmp_path, name="receipts.platform.example/client"):
    out = io.StringIO()
    path = tmp_path / "receipt.key"
    with redirect_stdout(out):
        assert cli.main(["--json", "receipt-key", name, "--out", str(path)]) == 0
    return path, json.loads(out.getvalue())["vkey"]


def test_receipt_key_writes_a_private_key_only_its_owner_reads(tmp_path):
    path, vkey = _new_key(tmp_path)
    assert os.stat(path).st_mode & 0o777 == 0o600
    key = cosignature.Cosigner.parse(path.read_text())
    assert str(key.verifier) == vkey


def test_each_sync_with_a_receipt_key_posts_a_receipt_the_bank_keeps(
    bank, client, member, tmp_path
):
    path, vkey = _new_key(tmp_path)
    member_services.register_receipt_key(member=member, vkey=vkey)
    bank.publish()
    bank.snapshot()
    assert client("sync", "--receipt-key", str(path))[0] == 0
    case = bank.publish([("md5", MD5_VALUE)])
    bank.withdraw(case)

    code, result = client("sync", "--receipt-key", str(path))

    assert code == 0
    latest = selectors.latest_checkpoint()
    kept = Acknowledgement.objects.filter(member=member).order_by("size").last()
    assert kept.size == result["size"] == latest.size
    assert note.split(kept.receipt)[0] == note.split(latest.note)[0]
    verifier = cosignature.CosignatureVerifier.parse(vkey)
    assert [c.name for c in cosignature.cosignatures(kept.receipt, [verifier])] == [verifier.name]


def test_syncing_twice_in_a_second_with_nothing_new_is_not_an_error(bank, client, member, tmp_path):
    path, vkey = _new_key(tmp_path)
    member_services.register_receipt_key(member=member, vkey=vkey)
    bank.publish()
    bank.snapshot()
    for _ in range(3):
        assert client("sync", "--receipt-key", str(path))[0] == 0

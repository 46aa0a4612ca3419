"""The extension acknowledges what threatexchange stored: each fetch starts by acking (or, with a
receipt key, receipting) the checkpoint it is handed back, so GET /api/v1/sync moves, removals
included. Driven through the real `threatexchange` CLI, and through `fetch_iter` as HMA 1.1.7's
fetcher drives it (apply every delta, keep the last delta's checkpoint, hand it back next time)."""

import json
import urllib.request

from hashbank.ledger import selectors
from hashbank.receipts import selectors as receipts
from hashbank.receipts.models import Acknowledgement
from member_portal.feed import cosignature
from member_portal.members import services as member_services
from member_portal.tx_extension.api import (
    HashbankCollabConfig,
    HashbankCredentials,
    HashbankSignalExchangeAPI,
)
from tests.fixtures.values import MD5_VALUE
from tests.tx_extension.test_threatexchange_cli import tx  # noqa: F401  (the fixture)


def _acked(bank) -> int | None:
    request = urllib.request.Request(
        f"{bank.url}/api/v1/sync", headers={"Authorization": f"Bearer {bank.token}"}
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310
        return json.loads(response.read())["last_acked_size"]


def _removal_applied(case) -> int | None:
    """Of how many platforms the removal of the case's one hash is applied (the victim's page)."""
    signal = case.case_signals.get().signal
    signal.refresh_from_db()
    return receipts.applied_for_signals([signal])[signal.pk].removed


def test_each_cli_fetch_acknowledges_the_state_the_previous_one_stored(bank, tx, member):  # noqa: F811
    bank.publish()
    case = bank.publish([("md5", MD5_VALUE)])
    bank.snapshot()
    tx("fetch")
    assert _acked(bank) is None  # nothing was handed back yet
    first = selectors.latest_checkpoint().size

    tx("fetch")
    assert _acked(bank) == first

    bank.withdraw(case)
    removal = selectors.latest_checkpoint().size
    tx("fetch")  # applies the removal; acknowledges what the previous fetch stored
    assert _acked(bank) == first
    assert _removal_applied(case) == 0
    tx("fetch")
    assert _acked(bank) == removal
    assert _removal_applied(case) == 1


class HmaLikeFetcher:
    """What HMA 1.1.7's fetcher does with an exchange: for each delta of fetch_iter, apply its
    updates to the bank's content (None deletes) and keep its checkpoint; persist at the end."""

    def __init__(self, api: HashbankSignalExchangeAPI) -> None:
        self.api = api
        self.checkpoint = None
        self.content: dict[str, object] = {}

    def fetch(self) -> None:
        for delta in self.api.fetch_iter([], self.checkpoint):
            for key, value in delta.updates.items():
                if value is None:
                    self.content.pop(key, None)
                else:
                    self.content[key] = value
            self.checkpoint = delta.checkpoint


def _api(bank, **collab) -> HashbankSignalExchangeAPI:
    config = HashbankCollabConfig(
        name="nii_bank", base_url=bank.url, root_file=str(bank.write_root()), **collab
    )
    return HashbankSignalExchangeAPI.for_collab(config, HashbankCredentials(bank.token))


def test_fetch_iter_as_hma_drives_it_acknowledges_removals(bank, member):
    case = bank.publish([("md5", MD5_VALUE)])
    fetcher = HmaLikeFetcher(_api(bank))
    fetcher.fetch()
    fetcher.fetch()
    assert _acked(bank) == fetcher.checkpoint.size

    bank.withdraw(case)
    fetcher.fetch()
    assert fetcher.content == {}
    assert _removal_applied(case) == 0
    fetcher.fetch()

    assert _acked(bank) == selectors.latest_checkpoint().size
    assert _removal_applied(case) == 1


def test_with_a_receipt_key_the_extension_posts_signed_receipts(bank, member, tmp_path):
    key = cosignature.Cosigner.generate("receipts.platform.example/hma")
    member_services.register_receipt_key(member=member, vkey=str(key.verifier))
    key_file = tmp_path / "receipt.key"
    key_file.write_text(f"{key}\n")
    bank.publish()
    fetcher = HmaLikeFetcher(_api(bank, receipt_key_file=str(key_file)))
    fetcher.fetch()
    fetcher.fetch()

    receipt = Acknowledgement.objects.get(member=member)
    assert receipt.key.name == key.name
    assert receipt.size == fetcher.checkpoint.size
    assert _acked(bank) == fetcher.checkpoint.size

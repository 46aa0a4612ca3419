"""The extension's collab config has an `origins` allow-list: an exchange whose list leaves the
bank's origin out fetches nothing; its records name their origin."""

from tests.fixtures.values import PDQ_VALUES
from tests.tx_extension import test_threatexchange_cli as cli_tests

tx = cli_tests.tx  # the fixture: threatexchange with our extension and a collab of the bank
_signals = cli_tests._signals


def test_an_origin_left_out_of_the_allow_list_is_not_fetched(bank, tx, settings):
    bank.publish()
    bank.snapshot()
    tx(
        "config",
        "collab",
        "edit",
        "hashbank",
        "nii_bank",
        "--origins",
        f"!{settings.HASHBANK_ORIGIN}",
    )

    tx("fetch")

    assert not tx("dataset", "-P", "-S", check=False).stdout.strip()


def test_an_allowed_origin_is_fetched_and_its_records_name_it(
    bank,
    tx,
    settings,
    tmp_path,
):
    bank.publish()
    bank.snapshot()
    tx("config", "collab", "edit", "hashbank", "nii_bank", "--origins", settings.HASHBANK_ORIGIN)

    tx("fetch")

    assert _signals(tx) == {("pdq", v) for v in PDQ_VALUES}
    stored = b"".join(p.read_bytes() for p in (tmp_path / "tx-state").rglob("*") if p.is_file())
    assert settings.HASHBANK_ORIGIN.encode() in stored

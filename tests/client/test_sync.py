"""Bootstrap from a snapshot, then deltas: the client against a running bank."""

from hashbank.ledger import selectors
from member_portal.client.store import Store
from member_portal.feed import note
from tests.fixtures.values import MD5_VALUE, PDQ_VALUES


def test_first_sync_bootstraps_from_the_snapshot_then_applies_the_delta(bank, client, state):
    bank.publish()
    bank.snapshot()
    bank.publish([("md5", MD5_VALUE)])

    code, result = client("sync")

    assert code == 0
    assert result["bootstrapped"] is True
    assert result["active"] == 5
    with Store(state) as store:
        assert store.counts() == {"pdq": 4, "md5": 1}
        assert store.load().size == result["size"]


def test_withdrawn_signal_is_removed_by_the_next_sync(bank, client, state):
    bank.publish()
    case = bank.publish([("md5", MD5_VALUE)])
    bank.snapshot()
    assert client("sync")[1]["active"] == 5

    bank.withdraw(case)
    code, result = client("sync")

    assert code == 0
    assert (result["bootstrapped"], result["removed"], result["active"]) == (False, 1, 4)
    with Store(state) as store:
        assert store.counts() == {"pdq": 4}


def test_delta_spanning_several_entries_pages_is_verified_as_one(bank, client, settings):
    settings.HASHBANK_ENTRIES_PAGE_MAX = 2
    bank.publish([("pdq", PDQ_VALUES[0])])
    bank.snapshot()
    client("sync")
    bank.publish([("pdq", v) for v in PDQ_VALUES[1:]] + [("md5", MD5_VALUE)])

    code, result = client("sync")

    assert code == 0
    assert (result["added"], result["active"]) == (4, 5)


def test_sync_with_nothing_new_keeps_the_state(bank, client):
    bank.publish()
    bank.snapshot()
    size = client("sync")[1]["size"]

    code, result = client("sync")

    assert code == 0
    assert (result["size"], result["added"], result["removed"]) == (size, 0, 0)


def test_sync_acknowledges_the_applied_checkpoint(bank, client, member):
    from member_portal.members import selectors

    bank.publish()
    bank.snapshot()
    size = client("sync")[1]["size"]

    assert selectors.sync_status(member).last_acked_size == size


def test_status_reports_the_verified_checkpoint(bank, client):
    bank.publish()
    bank.snapshot()
    client("sync")

    code, status = client("status")

    assert code == 0
    assert status["active"] == 4
    assert status["by_type"] == {"pdq": 4}


def test_status_before_any_sync_exits_6(client):
    assert client("status")[0] == 6


def test_first_sync_without_a_root_document_is_refused(bank, state, capsys):
    from member_portal.client import cli

    bank.publish()
    bank.snapshot()
    code = cli.main(["--state", str(state), "sync", "--server", bank.url])

    assert code == 2
    assert "--root" in capsys.readouterr().err


def test_bootstrap_shows_a_progress_bar_on_request(bank, state, capsys):
    from member_portal.client import cli

    bank.publish()
    bank.snapshot()
    code = cli.main(
        [
            "--state",
            str(state),
            "sync",
            "--server",
            bank.url,
            "--root",
            str(bank.write_root()),
            "--progress",
        ]
    )

    assert code == 0
    assert "snapshot [##############################] 100% 4/4" in capsys.readouterr().err


def test_first_sync_replays_the_log_when_the_bank_has_no_snapshot_yet(bank, client):
    bank.publish()
    bank.publish([("md5", MD5_VALUE)])

    code, result = client("sync")

    assert code == 0
    assert (result["bootstrapped"], result["added"], result["active"]) == (True, 5, 5)


def test_sync_ignores_the_grease_signature_of_every_checkpoint(bank, client):
    bank.publish()
    bank.snapshot()
    bank.publish([("md5", MD5_VALUE)])
    assert any(note.is_grease(sig) for sig in note.split(selectors.latest_checkpoint().note)[1])

    code, result = client("sync")

    assert code == 0 and result["active"] == 5

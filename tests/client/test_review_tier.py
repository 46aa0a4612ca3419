"""The member client keeps each signal's review tier (issue 17): `match --json` shows it, and an
unreviewed signal's match is routed to human review, a confirmed one to the member's policy."""

from hashbank.ledger import services as ledger
from hashbank.signals import services as signals
from hashbank.signals.models import Signal
from tests.fixtures.values import PDQ_VALUES, random_pdq


def confirm(value: str, basis: str = "caseworker_review") -> None:
    signals.corroborate(signal=Signal.objects.get(value=value), basis=basis, by="staff alice")
    ledger.seal()


def match(client, value: str) -> dict:
    code, out = client("match", "--pdq", value)
    assert code == 0
    (result,) = out["results"]
    (found,) = [m for m in result["matches"] if m["value"] == value]
    return found


def test_an_unreviewed_match_is_routed_to_human_review(bank, client):
    bank.publish()
    bank.snapshot()
    client("sync")

    found = match(client, PDQ_VALUES[0])

    assert (found["tier"], found["basis"], found["route"]) == ("unreviewed", None, "human_review")


def test_a_tier_entry_synced_as_a_delta_confirms_the_signal(bank, client):
    bank.publish()
    bank.snapshot()
    client("sync")
    confirm(PDQ_VALUES[1], "member_report")

    assert client("sync")[0] == 0

    found = match(client, PDQ_VALUES[1])
    assert (found["tier"], found["basis"], found["route"]) == (
        "confirmed",
        "member_report",
        "policy",
    )
    assert match(client, PDQ_VALUES[0])["tier"] == "unreviewed"


def test_a_snapshot_after_a_tier_entry_bootstraps_the_tier(bank, client):
    bank.publish()
    confirm(PDQ_VALUES[2])
    bank.snapshot()

    code, out = client("sync")

    assert code == 0 and out["bootstrapped"]
    assert match(client, PDQ_VALUES[2])["tier"] == "confirmed"


def test_the_tier_survives_a_restart_and_a_later_delta(bank, client):
    bank.publish()
    bank.snapshot()
    client("sync")
    confirm(PDQ_VALUES[3])
    client("sync")
    bank.publish([("pdq", random_pdq())])

    assert client("sync")[0] == 0

    assert match(client, PDQ_VALUES[3])["tier"] == "confirmed"

"""The client follows a bank whose log switches to state entries: bootstrapped from a v1 snapshot
before the switch, it syncs across it and keeps the LtHash state in its state file; a state file
written before LtHash states were kept gets one computed from its rows; and a bank that drops its
state entry after the switch is refused, the last good state kept."""

from __future__ import annotations

from django.db import transaction

from hashbank.cases import services as cases
from member_portal.client.store import Store
from tests.fixtures.legacy import drop_last_state_entry, seal_before_the_switch
from tests.fixtures.values import ATTESTED, MD5_VALUE, PDQ_VALUES


def publish_before_the_switch(values) -> None:
    hashes = [{"type": t, "value": v, **({"quality": 90} if t == "pdq" else {})} for t, v in values]
    with transaction.atomic():  # the seal requested on commit then finds nothing to seal
        cases.submit_case(hashes=hashes, attestations=ATTESTED)
        seal_before_the_switch()


def test_a_client_bootstrapped_before_the_switch_syncs_across_it(bank, client, state):
    publish_before_the_switch([("pdq", v) for v in PDQ_VALUES[:2]])
    bank.snapshot()  # v1: the log has not switched
    assert client("sync")[0] == 0
    with Store(state) as store:
        assert not store.load().active.switched

    bank.publish([("md5", MD5_VALUE)])  # the switch
    code, result = client("sync")

    assert code == 0 and (result["added"], result["active"]) == (1, 3)
    with Store(state) as store:
        loaded = store.load()
        assert loaded.active.switched and loaded.active.ends_with_state
        assert loaded.active.digest() == loaded.checkpoint.active_digest
    bank.publish([("pdq", v) for v in PDQ_VALUES[2:]])
    assert client("sync")[0] == 0


def test_a_state_file_without_an_lthash_state_gets_it_from_its_rows(bank, client, state):
    publish_before_the_switch([("pdq", v) for v in PDQ_VALUES])
    bank.snapshot()
    assert client("sync")[0] == 0
    with Store(state) as store:
        kept = store.load().active.lthash
        store.db.execute("UPDATE state SET lthash = NULL")  # as an older client left it

    bank.publish([("md5", MD5_VALUE)])
    with Store(state) as store:
        assert store.load().active.lthash == kept
    code, result = client("sync")
    assert code == 0 and result["active"] == 5


def test_a_bank_that_drops_its_state_entry_after_the_switch_is_refused(bank, client, state):
    bank.publish([("pdq", v) for v in PDQ_VALUES[:2]])
    bank.snapshot()
    assert client("sync")[0] == 0
    bank.publish([("md5", MD5_VALUE)])
    dropped = drop_last_state_entry()

    code, result = client("sync")

    assert code == 3
    assert f"entry {dropped.size - 1} is not a state entry" in result["error"]["message"]
    with Store(state) as store:
        assert store.load().active.count == 2  # the last good state

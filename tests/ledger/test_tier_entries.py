"""Review tiers in the ledger (issue 17, item 3): a signal arrives unreviewed; a corroboration
appends one tier entry naming its add, the state commitment covers the tier, and snapshots after
the first tier entry carry every record's tier (v3)."""

from __future__ import annotations

import io

import pytest

from hashbank.ledger import audit, selectors, services
from hashbank.ledger.models import Entry
from hashbank.signals import services as signals
from hashbank.signals.models import Change, Corroboration, Signal
from hashbank.signals.types import RemovalReason
from member_portal import verify
from member_portal.feed import rootdoc, wire
from tests.fixtures.ledger import hold_many
from tests.verify import independent

pytestmark = pytest.mark.django_db


def all_leaves() -> list[bytes]:
    return [bytes(leaf) for leaf in Entry.objects.order_by("seq").values_list("leaf", flat=True)]


def member_state() -> verify.FeedState:
    root = rootdoc.parse(selectors.root_documents()[0])
    return verify.FeedState(root=root)


def state_from_independent(leaves: list[bytes]) -> bytes:
    replayed = independent.replay(leaves)
    digests = list(replayed["active"].values())
    tiers = {replayed["active"][seq]: basis for seq, basis in replayed["tiers"].items()}
    return independent.state_commitment(
        len(digests), independent.lthash16_with_tiers(digests, tiers)
    )


def test_a_corroboration_appends_one_tier_entry_naming_the_add(signing_key) -> None:
    held = hold_many(3)
    services.seal()
    signal = Signal.objects.get(pk=held[1].pk)
    signals.corroborate(signal=signal, basis="caseworker_review", by="staff alice")
    services.seal()
    tier = independent.leaf_fields(bytes(Entry.objects.get(kind=Entry.TIER).leaf))
    assert (tier["kind"], tier["type"], tier["reason"], tier["target"]) == (4, 1, 4, signal.add_seq)
    assert tier["digest"] == bytes(signal.digest)
    assert Signal.objects.get(pk=signal.pk).tier_basis == 4


def test_the_state_entry_after_a_tier_entry_commits_to_the_tier(signing_key) -> None:
    held = hold_many(2)
    services.seal()
    signals.corroborate(signal=held[0], basis="member_report", by="member acme")
    checkpoint = services.seal()
    leaves = all_leaves()
    last = independent.leaf_fields(leaves[-1])
    assert last["kind"] == 3
    assert last["digest"] == state_from_independent(leaves[:-1])
    assert checkpoint.active_count == 2


def test_a_second_corroboration_is_recorded_but_appends_nothing(signing_key) -> None:
    (signal,) = hold_many(1)
    services.seal()
    signals.corroborate(signal=signal, basis="member_report", by="member acme")
    services.seal()
    signals.corroborate(signal=signal, basis="caseworker_review", by="staff alice")
    assert not Change.objects.exists()
    assert services.seal() is None
    assert Entry.objects.filter(kind=Entry.TIER).count() == 1
    assert list(Corroboration.objects.values_list("basis", "changed_tier").order_by("id")) == [
        ("member_report", True),
        ("caseworker_review", False),
    ]


def test_a_signal_corroborated_before_its_first_seal_gets_its_tier_entry_after_its_add(
    signing_key,
) -> None:
    (signal,) = hold_many(1)
    signals.corroborate(signal=signal, basis="caseworker_review", by="staff alice")
    services.seal()
    kinds = list(Entry.objects.order_by("seq").values_list("kind", flat=True))
    assert kinds == [Entry.ADD, Entry.TIER, Entry.STATE]


def test_removing_a_confirmed_signal_takes_its_tier_out_of_the_state(signing_key) -> None:
    held = hold_many(2)
    services.seal()
    signals.corroborate(signal=held[0], basis="caseworker_review", by="staff alice")
    services.seal()
    signals.release(signal=held[0], reason=RemovalReason.WITHDRAWN)
    services.seal()
    leaves = all_leaves()
    assert independent.leaf_fields(leaves[-1])["digest"] == state_from_independent(leaves[:-1])
    assert Signal.objects.get(pk=held[0].pk).tier_basis == 0
    assert audit.verify_ledger() == []


def test_a_signal_no_case_holds_cannot_be_corroborated(signing_key) -> None:
    (signal,) = hold_many(1)
    services.seal()
    signals.release(signal=signal, reason=RemovalReason.WITHDRAWN)
    services.seal()
    assert signals.corroborate(signal=signal, basis="caseworker_review", by="staff alice") is None
    assert not Change.objects.exists() and not Corroboration.objects.exists()


def test_taking_a_confirmation_back_makes_the_signal_unreviewed_again(signing_key) -> None:
    (signal,) = hold_many(1)
    services.seal()
    signals.corroborate(signal=signal, basis="member_report", by="member acme")
    services.seal()
    signals.corroborate(signal=signal, basis="unreviewed", by="staff alice")
    services.seal()
    tiers = Entry.objects.filter(kind=Entry.TIER).order_by("seq")
    assert [bytes(e.leaf)[3] for e in tiers] == [2, 1]
    state = verify.apply_entries_page(
        member_state(),
        selectors.latest_checkpoint().note,
        selectors.entries_page(0, len(all_leaves())),
    )
    assert state.active.tier(signal.add_seq) == "unreviewed"
    assert audit.verify_ledger() == []


def test_members_verify_tier_entries_page_by_page_and_learn_the_tier(signing_key) -> None:
    held = hold_many(3)
    first = services.seal()
    signals.corroborate(signal=held[2], basis="second_case", by="case 7")
    second = services.seal()
    state = verify.apply_entries_page(member_state(), first.note, selectors.entries_page(0, 4))
    state = verify.apply_entries_page(state, second.note, selectors.entries_page(4, second.size))
    add_seq = Signal.objects.get(pk=held[2].pk).add_seq
    assert state.active.tier(add_seq) == "confirmed"
    assert state.active.tier(Signal.objects.get(pk=held[0].pk).add_seq) == "unreviewed"


def test_a_page_whose_tier_entry_changed_its_basis_is_refused(signing_key) -> None:
    (signal,) = hold_many(1)
    services.seal()
    signals.corroborate(signal=signal, basis="member_report", by="member acme")
    checkpoint = services.seal()
    page = bytearray(selectors.entries_page(0, checkpoint.size))
    records = wire.decode_entries(bytes(page))[1]
    tier_index = next(i for i, (leaf, _) in enumerate(records) if leaf[1] == 4)
    forged = [(leaf, payload) for leaf, payload in records]
    leaf = bytearray(forged[tier_index][0])
    leaf[3] = 1  # claim it went back to unreviewed
    forged[tier_index] = (bytes(leaf), b"")
    with pytest.raises(verify.VerificationError):
        verify.apply_entries(member_state(), checkpoint.note, forged, 0)


def test_snapshots_after_the_first_tier_entry_are_v3_with_every_records_tier(signing_key) -> None:
    held = hold_many(3)
    before = services.seal()
    signals.corroborate(signal=held[1], basis="caseworker_review", by="staff alice")
    after = services.seal()
    old = io.BytesIO()
    selectors.write_snapshot(old, before)
    assert old.getvalue()[:4] == b"HBS2"
    new = io.BytesIO()
    selectors.write_snapshot(new, after)
    data = new.getvalue()
    assert data[:4] == b"HBS3"
    independent.verify_snapshot_v2(data, bytes(after.root), after.size)
    state = verify.verify_snapshot(member_state().root, wire.SnapshotReader(io.BytesIO(data)))
    seqs = [Signal.objects.get(pk=s.pk).add_seq for s in held]
    assert [state.active.tier(seq) for seq in seqs] == ["unreviewed", "confirmed", "unreviewed"]


def test_a_v3_snapshot_whose_record_drops_its_tier_is_refused(signing_key) -> None:
    held = hold_many(2)
    services.seal()
    signals.corroborate(signal=held[0], basis="caseworker_review", by="staff alice")
    checkpoint = services.seal()
    out = io.BytesIO()
    selectors.write_snapshot(out, checkpoint)
    data = bytearray(out.getvalue())
    records = [len(data) - n * (11 + 16 + 32) for n in (2, 1)]  # the seal shuffles adds
    (confirmed,) = [start for start in records if data[start + 10] == 4]
    data[confirmed + 10] = 0
    with pytest.raises(verify.VerificationError):
        verify.verify_snapshot(member_state().root, wire.SnapshotReader(io.BytesIO(bytes(data))))

"""Sealing: pending changes become gapless entries and a checkpoint an independent implementation
of RFC 6962 and the signed-note spec accepts."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.utils import timezone

from hashbank.ledger import selectors, services
from hashbank.ledger.events import checkpoint_published
from hashbank.ledger.models import Checkpoint, Entry, TreeState
from hashbank.signals import services as signals
from hashbank.signals.models import Change, Signal
from hashbank.signals.types import RemovalReason
from member_portal.feed import leaf as leaves
from tests.fixtures.ledger import hold_many
from tests.fixtures.values import random_pdq
from tests.verify import independent

pytestmark = pytest.mark.django_db


def all_leaves() -> list[bytes]:
    return [bytes(leaf) for leaf in Entry.objects.order_by("seq").values_list("leaf", flat=True)]


def test_seal_appends_gapless_entries_from_zero(signing_key) -> None:
    hold_many(5)
    services.seal()
    hold_many(3)
    services.seal()
    assert list(Entry.objects.order_by("seq").values_list("seq", flat=True)) == list(range(10))
    assert not Change.objects.exists()


def test_every_seal_ends_with_one_state_entry_committing_to_the_active_set_before_it(
    signing_key,
) -> None:
    first = hold_many(5)
    services.seal()
    signals.release(signal=first[0], reason=RemovalReason.WITHDRAWN)
    hold_many(2)
    services.seal()
    kinds = list(Entry.objects.order_by("seq").values_list("kind", flat=True))
    assert [seq for seq, kind in enumerate(kinds) if kind == Entry.STATE] == [5, 9]
    live = [bytes(x.digest) for x in Signal.objects.filter(state="active").order_by("add_seq")]
    state = independent.leaf_fields(bytes(Entry.objects.get(seq=9).leaf))
    assert (state["kind"], state["type"], state["reason"], state["target"]) == (3, 0, 0, 6)
    assert state["digest"] == independent.state_commitment(6, independent.lthash16(live))
    assert Entry.objects.get(seq=9).signal_id is None


def test_checkpoint_verifies_with_the_independent_implementation(signing_key, settings) -> None:
    held = hold_many(6)
    signals.release(signal=held[2], reason=RemovalReason.WITHDRAWN)
    checkpoint = services.seal()
    text, signed_by = independent.open_note(checkpoint.note, selectors.public_keys())
    assert signed_by == [settings.HASHBANK_ORIGIN]
    body = independent.parse_checkpoint(text)
    leaves_ = all_leaves()
    assert body["origin"] == settings.HASHBANK_ORIGIN
    assert body["size"] == len(leaves_) == 8  # 6 adds, a remove, the state entry
    assert body["root"] == independent.mth(leaves_)
    assert "active" not in body
    count, digest = body["state"].split(" ")
    live = [bytes(s.digest) for i, s in enumerate(held) if i != 2]
    assert int(count) == 5
    assert base64.b64decode(digest) == independent.state_commitment(5, independent.lthash16(live))
    assert leaves_[-1] == independent.state_leaf(int(body["time"]), live)
    assert abs(int(body["time"]) - timezone.now().timestamp()) < 60


def test_add_leaf_commits_to_the_salted_value_digest(signing_key) -> None:
    (signal,) = hold_many(1)
    services.seal()
    entry = Entry.objects.get(seq=0)
    fields = independent.leaf_fields(bytes(entry.leaf))
    assert (fields["version"], fields["kind"], fields["type"]) == (1, 1, 1)
    payload = bytes(entry.payload)
    salt, quality, value = payload[:16], payload[16], payload[17:]
    assert value.hex() == signal.value and quality == 80
    assert fields["digest"] == independent.value_digest(salt, 1, quality, value)


def test_remove_is_a_new_entry_naming_the_add_it_removes(signing_key) -> None:
    first, second = hold_many(2)
    services.seal()
    signals.release(signal=second, reason=RemovalReason.DISPUTE_UPHELD)
    services.seal()
    leaf = independent.leaf_fields(bytes(Entry.objects.get(seq=3).leaf))  # after a state entry
    second_add = Entry.objects.get(signal=second, kind=Entry.ADD).seq  # the seal shuffles adds
    assert leaf["kind"] == 2 and leaf["target"] == second_add
    assert leaf["reason"] == leaves.REASON_CODES["removed"]  # members are told only "removed"
    assert leaf["digest"] == bytes(second.digest)
    assert Entry.objects.count() == 5  # nothing updated or deleted
    second.refresh_from_db()
    assert second.state == "removed" and second.removal_reason == "dispute_upheld"


def test_hold_and_release_before_a_seal_still_log_both(signing_key) -> None:
    (signal,) = hold_many(1)
    signals.release(signal=signal, reason=RemovalReason.WITHDRAWN)
    checkpoint = services.seal()
    assert checkpoint.size == 3 and checkpoint.active_count == 0


def test_nothing_pending_and_fresh_checkpoint_means_no_new_signature(signing_key) -> None:
    hold_many(1)
    first = services.seal()
    assert services.seal() is None
    assert Checkpoint.objects.get(size=first.size).note == first.note


def test_stale_checkpoint_is_re_signed_with_the_same_tree(signing_key) -> None:
    hold_many(2)
    first = services.seal()
    Checkpoint.objects.filter(pk=first.pk).update(signed_at=timezone.now() - timedelta(hours=1))
    again = services.seal()
    assert again is not None and again.size == first.size
    old = independent.parse_checkpoint(
        independent.open_note(first.note, selectors.public_keys())[0]
    )
    new = independent.parse_checkpoint(
        independent.open_note(again.note, selectors.public_keys())[0]
    )
    assert new["root"] == old["root"] and new["size"] == old["size"]
    assert Checkpoint.objects.count() == 1  # re-signed in place, not a second checkpoint


def test_tree_state_keeps_only_the_compact_range(signing_key) -> None:
    hold_many(13)
    services.seal()
    state = TreeState.objects.get(id=1)
    assert state.size == 14  # and the state entry
    assert len(bytes(state.compact_range)) == 32 * bin(14).count("1")
    assert len(bytes(state.lthash)) == 2048


def test_seal_without_a_key_fails_with_a_domain_error(key_dir) -> None:
    with pytest.raises(services.NoSigningKey):
        services.seal()


def test_large_backlog_is_sealed_in_several_batches(signing_key) -> None:
    hold_many(7)
    services.seal(max_batch=3)
    assert TreeState.objects.get(id=1).size == 4  # 3 entries and the state entry
    services.seal(max_batch=3)
    services.seal(max_batch=3)
    assert TreeState.objects.get(id=1).size == 10
    assert selectors.latest_checkpoint().size == 10


def test_purged_value_keeps_the_tree_verifiable(signing_key) -> None:
    (signal,) = hold_many(1)
    services.seal()
    signals.release(signal=signal, reason=RemovalReason.WITHDRAWN)
    services.seal()
    services.purge(signal=signal)
    signal.refresh_from_db()
    assert signal.value is None
    assert bytes(Entry.objects.get(seq=0).payload) == b""
    from hashbank.ledger import audit

    assert audit.verify_ledger() == []


def test_value_digest_differs_per_signal_even_for_equal_values_of_other_types(signing_key) -> None:
    value = random_pdq()
    a = signals.hold(signal_type="pdq", value=value, quality=90)
    b = signals.hold(signal_type="md5", value=value[:32])
    assert bytes(a.digest) != bytes(b.digest)


def _held_again(signal):
    return signals.hold(signal_type=signal.signal_type, value=signal.value, quality=signal.quality)


def test_one_batch_leaves_each_signal_as_its_last_change_says(signing_key) -> None:
    added_then_removed, removed_then_added, flipped_twice, kept = hold_many(4)
    services.seal()
    first = TreeState.objects.get().size
    extra = hold_many(1)[0]  # added and removed in the same batch
    signals.release(signal=extra, reason=RemovalReason.STAFF_REMOVED)
    signals.release(signal=removed_then_added, reason=RemovalReason.WITHDRAWN)
    _held_again(removed_then_added)
    signals.release(signal=flipped_twice, reason=RemovalReason.WITHDRAWN)
    _held_again(flipped_twice)
    signals.release(signal=flipped_twice, reason=RemovalReason.DISPUTE_UPHELD)
    signals.release(signal=added_then_removed, reason=RemovalReason.SUSPENDED)
    checkpoint = services.seal()

    def state(signal):
        signal.refresh_from_db()
        return signal.state, signal.removal_reason

    assert state(extra) == ("removed", "staff_removed")
    assert state(removed_then_added) == ("active", "")
    assert state(flipped_twice) == ("removed", "dispute_upheld")
    assert state(added_then_removed) == ("removed", "suspended")
    assert state(kept) == ("active", "")
    last_add = Entry.objects.filter(signal=removed_then_added, kind=Entry.ADD).latest("seq").seq
    assert removed_then_added.add_seq == last_add >= first
    assert checkpoint.active_count == 2


def test_without_a_witness_policy_a_seal_publishes_its_checkpoint_once_committed_and_a_re_sign_says_so(
    signing_key, django_capture_on_commit_callbacks
) -> None:
    announced = []

    def receiver(*, checkpoint, resigned, **_kwargs):
        announced.append((checkpoint.size, resigned))

    checkpoint_published.connect(receiver, dispatch_uid="test-announce")
    try:
        hold_many(2)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            checkpoint = services.seal()
        assert announced == []
        for callback in callbacks:
            callback()
        assert announced == [(checkpoint.size, False)]
        with django_capture_on_commit_callbacks(execute=True):
            assert services.seal(force_sign=True) == checkpoint
        assert announced == [(checkpoint.size, False), (checkpoint.size, True)]
    finally:
        checkpoint_published.disconnect(dispatch_uid="test-announce")

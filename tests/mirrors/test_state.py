"""The verifier's state a mirror keeps between syncs comes back whole (hashbank/mirrors/state.py)."""

from hashbank.mirrors import state
from member_portal.feed import merkle
from member_portal.feed.activeset import ActiveSet


def test_the_state_comes_back_with_its_review_tiers_so_a_resumed_catch_up_folds_them():
    compact = merkle.CompactRange()
    compact.extend(bytes([i]) for i in range(5))
    active = ActiveSet(tiers={2: 1, 4: 3})
    active.lthash.add(b"\x01" * 32)
    active.ends_with_state = True

    loaded_compact, loaded = state.load(state.dump(compact, active))

    assert loaded_compact.size == 5 and loaded_compact.root() == compact.root()
    assert loaded.tiers == {2: 1, 4: 3}
    assert loaded.digest() == active.digest() and loaded.ends_with_state


def test_a_state_kept_before_tiers_were_kept_loads_without_them():
    data = state.dump(merkle.CompactRange(), ActiveSet())
    del data["tiers"]
    assert state.load(data)[1].tiers == {}

"""What the signed ledger says about one signal (test helper): read from the leaves themselves."""

from __future__ import annotations

from member_portal.feed import leaf as leaves


def ledger_events_for(signal) -> list[tuple[str, str]]:
    """Seal, then [(kind, reason)] of the leaves up to the latest signed checkpoint that commit
    to this signal's salted digest; each remove must name the seq of the add it removes."""
    from hashbank.ledger import selectors, services

    services.seal()
    checkpoint = selectors.latest_checkpoint()
    assert selectors.verify_note(checkpoint.note)
    events, add_seq = [], None
    for entry in selectors.entries(0, checkpoint.size):
        leaf = leaves.decode(bytes(entry.leaf))
        if leaf.digest != bytes(signal.digest):
            continue
        if leaf.is_add:
            add_seq = entry.seq
            events.append(("add", leaf.reason))
        else:
            assert leaf.target == add_seq
            events.append(("remove", leaf.reason))
    return events

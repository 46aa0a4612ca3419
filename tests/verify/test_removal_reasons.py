"""Members are told only "removed" (issue 17): removes sealed now carry reason 6; the removes a
log sealed before carry the older codes 1-5, and a log is append-only, so both still verify and
read alike."""

from __future__ import annotations

from member_portal import verify
from member_portal.feed import leaf as leaves
from tests.verify import independent
from tests.verify.builder import NOW, Bank, pdq


def test_a_log_with_older_reason_codes_and_neutral_removes_verifies() -> None:
    bank = Bank()
    digests = [bank.add(pdq(i)) for i in range(7)]
    for digest, reason in zip(digests, leaves.REASON_CODES, strict=False):
        if reason:  # every older code once (withdrawn ... other), then the neutral one
            bank.remove(digest, reason=reason)
    state = verify.FeedState(root=verify.trust_root(bank.root_document(), now=NOW))
    state = verify.apply_entries(state, bank.checkpoint_note(), bank.records, 0)
    assert state.size == len(bank.records) and state.active.count == 1
    removes = [leaves.decode(raw) for raw, _ in bank.records if raw[1] == leaves.REMOVE]
    assert [r.reason for r in removes] == [
        "withdrawn",
        "dispute_upheld",
        "staff_removed",
        "suspended",
        "other",
        "removed",
    ]


def test_the_neutral_reason_is_code_6_as_the_format_document_says() -> None:
    bank = Bank()
    bank.remove(bank.add(pdq(1)))  # the builder removes as the bank does now
    assert independent.leaf_fields(bank.records[-1][0])["reason"] == 6 == leaves.REMOVED_CODE

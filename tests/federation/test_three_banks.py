"""Issue 18 end to end: three banks as processes of their own, B and C mirroring A.

A case submitted at A is matched by a member of B (origin A, verified with A's keys); a dispute
raised by B's member reaches A's review queue (from peer B, for B's member), A's reviewers uphold
it (four eyes) and the signal is removed everywhere: members of B and of C stop matching after
their next sync, and B's member reads A's decision from B; B stopped and restarted catches up."""

from __future__ import annotations

import json

from tests.fixtures.values import pdq
from tests.forwarding import origin_bank
from tests.mirrors.federation import mirror_sync, submit
from tests.publishing.banks import wait_for


def dispute(bank, token: str, body: dict):
    return bank.request(
        "POST",
        "/api/v1/disputes",
        json.dumps(body).encode(),
        **{"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )


def test_a_case_at_a_is_matched_by_a_member_of_b_with_as_provenance(banks, member_of):
    a, b, _c = banks
    value = pdq()
    submit(a, 1, lambda: value)
    mirror_sync(b)
    member = member_of(b)
    code, result = member.run("sync")
    assert code == 0, result
    (match,) = member.matches(value["value"])
    assert match["origin"] == a.origin and match["action"] == "match"
    assert match["checkpoint"]["origin"] == a.origin


def test_a_dispute_from_bs_member_reaches_a_and_an_uphold_removes_the_signal_everywhere(
    banks, member_of
):
    a, b, c = banks
    value = pdq()
    submit(a, 1, lambda: value)
    for mirror in (b, c):
        mirror_sync(mirror)
    member_b, member_c = member_of(b), member_of(c)
    for member in (member_b, member_c):
        assert member.run("sync")[0] == 0
    (match,) = member_b.matches(value["value"])
    assert member_c.matches(value["value"])

    raised = dispute(
        b, b.token, {"origin": match["origin"], "seq": match["seq"], "reason": "false_positive"}
    )
    assert raised.status == 201, raised.text
    body = raised.json()
    assert body["forward"]["state"] == "delivered"  # delivered as the request committed

    status, forwarded_for, peer_member = origin_bank.decide(
        a, body["forward"]["id"], uphold=True, reason="Reviewed: not the person."
    )
    assert status == "upheld" and peer_member == "peer-b" and "(demo)" in forwarded_for

    # A's removal entry reaches both mirrors; neither bank's member matches after its next sync.
    for mirror in (b, c):
        mirror_sync(mirror)
    for member in (member_b, member_c):
        code, result = member.run("sync")
        assert code == 0, result
        assert member.matches(value["value"]) == []
    # B read A's decision (its scheduler polls A); the member reads it from B.
    outcome = wait_for(
        lambda: (
            (
                r := b.get(
                    f"/api/v1/disputes/{body['id']}?origin={a.origin}",
                    Authorization=f"Bearer {b.token}",
                )
            )
            .json()
            .get("status")
            == "upheld"
            and r.json()
        ),
        timeout=30,
        interval=0.2,
        what="B read A's decision",
    )
    assert outcome["decision"]["reason"] == "Reviewed: not the person."
    assert outcome["forward"]["state"] == "decided"


def test_b_stopped_and_restarted_catches_up(banks, member_of):
    a, b, _c = banks
    member = member_of(b)
    b.stop()
    value = pdq()
    submit(a, 1, lambda: value)
    b.start()
    mirror_sync(b)
    assert member.run("sync")[0] == 0
    (match,) = member.matches(value["value"])
    assert match["origin"] == a.origin

"""Issue 18 end to end: three banks as processes of their own, B and C mirroring A.

A case submitted at A is matched by a member of B (origin A, verified with A's keys); a dispute
raised by B's member reaches A's review queue (from peer B, for B's member), A's reviewers uphold
it (four eyes) and the signal is removed everywhere: members of B and of C stop matching after
their next sync, and B's member reads A's decision from B; B stopped and restarted catches up.
The victim withdraws at A and B's member stops matching after its next sync; C cut off (stopped)
keeps its last state and its member, matching A's last verified state, sees A go stale (review
only, then off); a forged fork of A served to B and C freezes A for both, with evidence, while
the other origins keep working.

The three banks are shared by the whole package (tests/federation/conftest.py): the fork test,
which freezes A at B and C for good, is the last test of the package."""

from __future__ import annotations

import base64
import json
import os

from member_portal.feed import checkpoint as checkpoints
from member_portal.feed import note
from tests.fixtures.values import pdq
from tests.forwarding import origin_bank
from tests.mirrors.federation import mirror_sync, origin_id, published_size, size_of, submit
from tests.publishing.banks import wait_for
from tests.verify import independent


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


def test_the_victim_withdraws_at_a_and_bs_member_stops_matching_after_its_next_sync(
    banks, member_of
):
    a, b, _c = banks
    value = pdq()
    case = submit(a, 1, lambda: value)
    mirror_sync(b)
    member = member_of(b)
    assert member.run("sync")[0] == 0
    (match,) = member.matches(value["value"])
    assert match["origin"] == a.origin

    before = published_size(a)
    response = a.withdraw(case["case_number"], case["pin"])
    assert response.status == 200, response.text
    wait_for(lambda: published_size(a) > before, what="A published the withdrawal")
    # Until B's next mirror sync of A the removal has not reached B: its member still matches.
    assert member.run("sync")[0] == 0
    assert member.matches(value["value"])
    mirror_sync(b)
    code, result = member.run("sync")
    assert code == 0, result
    assert member.matches(value["value"]) == []


def test_c_cut_off_keeps_its_last_state_and_its_member_sees_a_go_stale(banks, member_of):
    a, _b, c = banks
    value = pdq()
    submit(a, 1, lambda: value)  # A's newest checkpoint is a fresh one
    mirror_sync(c)
    held = c.get(f"/mirror/{origin_id(a)}/checkpoint").text
    member = member_of(c)
    assert member.run("sync")[0] == 0
    synced = member.status()[a.origin]
    # Freshness limits a few seconds past the checkpoint's age now (the client takes seconds).
    review_after = synced["age_seconds"] + 4
    limits = ("--review-after", str(review_after), "--off-after", str(review_after + 4))
    assert member.status(*limits)[a.origin]["freshness"] == "fresh"
    (match,) = member.matches(value["value"], *limits)
    assert match["action"] == "match"

    c.stop()
    try:
        code, _ = member.run("sync")
        assert code != 0  # C does not answer; the member keeps its last verified state
        assert member.status()[a.origin]["size"] == synced["size"]
        wait_for(
            lambda: member.status(*limits)[a.origin]["freshness"] == "review",
            timeout=30,
            interval=0.2,
            what="A's origin is review-only for C's member",
        )
        (match,) = member.matches(value["value"], *limits)
        assert match["origin"] == a.origin and match["action"] == "review"
        wait_for(
            lambda: member.status(*limits)[a.origin]["freshness"] == "off",
            timeout=30,
            interval=0.2,
            what="A's origin is off for C's member",
        )
        assert member.matches(value["value"], *limits) == []
        # With the default limits (72 h, 30 days) the same state still matches.
        (match,) = member.matches(value["value"])
        assert match["action"] == "match"
    finally:
        c.start()
    # C restarted serves the state it kept, and catches up.
    assert c.get(f"/mirror/{origin_id(a)}/checkpoint").text == held
    mirror_sync(c)
    assert member.run("sync")[0] == 0


def forged_fork(a, held: str) -> str:
    """A second checkpoint of the size of `held`, with another root, signed with A's key files."""
    text, _ = note.split(held)
    lines = text.split("\n")
    lines[2] = base64.b64encode(os.urandom(32)).decode()
    return note.sign("\n".join(lines), a.log_signers())


def test_a_forged_fork_of_a_is_detected_by_b_and_c_and_a_is_frozen_for_their_members(
    banks, proxy_to_a, member_of
):
    """Last in the package: A stays frozen at B and C."""
    a, b, c = banks
    value = pdq()
    submit(a, 1, lambda: value)
    mirrors, members, held = (b, c), {}, {}
    for bank in mirrors:
        mirror_sync(bank)
        held[bank.name] = bank.get(f"/mirror/{origin_id(a)}/checkpoint").text
        members[bank.name] = member_of(bank)
        assert members[bank.name].run("sync")[0] == 0
        assert members[bank.name].matches(value["value"])
    size = size_of(held["b"])
    assert size_of(held["c"]) == size

    fork = forged_fork(a, held["b"])
    proxy_to_a.overrides["/api/v1/checkpoint"] = lambda path: (200, "text/plain", fork.encode())
    try:
        for bank in mirrors:
            result = bank.run_manage("mirrors", "sync")
            assert "equivocation" in result.stdout + result.stderr, result.stdout + result.stderr
    finally:
        proxy_to_a.overrides.clear()

    for bank in mirrors:
        origins = bank.get("/api/v1/origins", Authorization=f"Bearer {bank.token}").json()
        (listed,) = [o for o in origins["origins"] if o["origin"] == a.origin]
        assert listed["frozen"] and listed["size"] == size, listed
        (evidence,) = [
            e for e in bank.get("/federation/evidence").json()["evidence"]
            if e["origin"] == a.origin
        ]  # fmt: skip
        # Both notes verify with A's key alone (the independent implementation): one size, two
        # roots, one of them the fork.
        texts = [independent.open_note(n, [a.log_key()])[0] for n in evidence["notes"]]
        parsed = [checkpoints.parse_body(t) for t in texts]
        assert parsed[0].size == parsed[1].size == size and parsed[0].root != parsed[1].root
        # Frozen: the last consistent state is still served, syncing does not move it.
        assert bank.get(f"/mirror/{origin_id(a)}/checkpoint").text == held[bank.name]

    for bank in mirrors:
        member = members[bank.name]
        member.run("sync")
        shown = member.status()
        assert shown[a.origin]["frozen"] and shown[a.origin]["frozen_by"] == "carrier", shown
        assert shown[a.origin]["size"] == size
        (match,) = member.matches(value["value"])
        assert match["origin"] == a.origin and match["frozen"]
        # The other origins keep working: the carrier's own log syncs and matches.
        own = pdq()
        submit(bank, 1, lambda own=own: own)
        member.run("sync")
        shown = member.status()
        assert not shown[bank.origin]["frozen"] and shown[bank.origin]["size"] > 0
        assert shown[a.origin]["frozen"] and shown[a.origin]["size"] == size
        (match,) = member.matches(own["value"])
        assert match["origin"] == bank.origin and not match["frozen"]

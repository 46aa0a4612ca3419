"""A member of bank B subscribes once and receives bank A's origin too: two banks as processes of
their own (B mirroring A, tests/mirrors/federation.py), the member's client (in-process) against
B only. A's origin is trusted from B's signed origins list, verified with A's keys, matched with
`origin` = A; entries of A's origin that do not fit A's checkpoint freeze it in the client while
B's own origin keeps working."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout

import pytest

from member_portal.client import cli
from member_portal.client.store import Store
from member_portal.feed import rootdoc
from tests.fixtures.values import pdq
from tests.mirrors.federation import (
    Proxy,
    make_pair,
    mirror_sync,
    origin_id,
    published_size,
    submit,
)
from tests.publishing.banks import wait_for


@pytest.fixture(scope="module")
def federation(tmp_path_factory):
    a, b, proxy = make_pair(tmp_path_factory, HASHBANK_MIRROR_INTERVAL="3600")
    try:
        yield a, b
    finally:
        proxy.close()
        b.stop()
        a.stop()


@pytest.fixture
def member(federation, tmp_path, monkeypatch):
    """The client of B's demo member: run("sync") -> (exit code, JSON)."""
    _a, b = federation
    roots = b.get("/api/v1/roots", Authorization=f"Bearer {b.token}").json()["roots"]
    root = tmp_path / "b-root.note"
    root.write_text(roots[0])  # B's root document, as the member got it out of band
    monkeypatch.setenv("HASHBANK_TOKEN", b.token)
    state = tmp_path / "state.sqlite"

    def run(*args: str, server: str | None = None) -> tuple[int, dict]:
        argv = ["--state", str(state), "--json", *args]
        if args[0] == "sync":
            argv += ["--server", server or b.url, "--root", str(root)]
        out = io.StringIO()
        with redirect_stdout(out):
            code = cli.main(argv)
        return code, json.loads(out.getvalue() or "{}")

    run.state = state
    return run


def _outcome(result: dict, origin: str) -> dict:
    return next(o for o in result["origins"] if o["origin"] == origin)


def test_a_member_of_b_syncs_as_origin_verified_with_as_keys_and_matches_it(federation, member):
    a, b = federation
    hashes = [pdq() for _ in range(3)]
    before = published_size(a)
    assert a.submit(hashes).status == 201
    wait_for(lambda: published_size(a) > before, what="A published the case")
    mirror_sync(b)

    code, result = member("sync")

    assert code == 0, result
    synced = _outcome(result, a.origin)
    assert synced["error"] == "" and synced["frozen"] is False
    assert synced["synced"]["size"] == published_size(a)
    assert _outcome(result, b.origin)["local"] is True
    # A's state is verified with A's key: its trusted root is A's, pinned nowhere by the member.
    with Store(f"{member.state}.origins/{origin_id(a)}.sqlite") as store:
        state = store.load()
        assert state.root.origin == a.origin
        assert [str(k) for k in state.root.keys] == [a.log_key()]
        assert store.origin_meta()["anchored_by"] == "list"

    code, found = member("match", "--pdq", hashes[1]["value"])
    assert code == 0
    (match,) = found["results"][0]["matches"]
    assert (match["origin"], match["origin_id"], match["action"]) == (
        a.origin,
        origin_id(a),
        "match",
    )
    assert match["distance"] == 0 and match["checkpoint"]["origin"] == a.origin

    code, _ = member("match", "--pdq", hashes[1]["value"], "--origins", f"!{a.origin}")
    assert code == 1  # A's origin switched off: no match
    code, _ = member("match", "--pdq", hashes[1]["value"], "--origins", b.origin)
    assert code == 1  # only B's own origin allowed

    code, status = member("status")
    listed = {o["origin"]: o for o in status["origins"]}
    assert set(listed) == {a.origin}  # B's own log is still empty: B only carries A here
    assert listed[a.origin]["freshness"] == "fresh" and listed[a.origin]["local"] is False


def test_a_withdrawal_at_a_stops_the_member_of_b_matching_after_its_next_sync(federation, member):
    a, b = federation
    value = pdq()
    before = published_size(a)
    response = a.submit([value])
    assert response.status == 201
    case = response.json()
    wait_for(lambda: published_size(a) > before, what="A published the case")
    mirror_sync(b)
    member("sync")
    assert member("match", "--pdq", value["value"])[0] == 0

    before = published_size(a)
    assert a.withdraw(case["case_number"], case["pin"]).status == 200
    wait_for(lambda: published_size(a) > before, what="A published the removal")
    mirror_sync(b)
    code, result = member("sync")

    assert code == 0 and _outcome(result, a.origin)["synced"]["removed"] == 1
    assert member("match", "--pdq", value["value"])[0] == 1


def test_entries_of_as_origin_that_do_not_fit_freeze_it_in_the_client_only(
    federation, member, tmp_path
):
    a, b = federation
    submit(a, 2, pdq)
    mirror_sync(b)
    proxy = Proxy(b.url)
    oid = origin_id(a)

    def tampered(path: str):
        status, headers, body = proxy.forward(path, {"Authorization": f"Bearer {b.token}"})
        return status, headers.get("Content-Type", ""), body[:-1] + bytes([body[-1] ^ 1])

    proxy.overrides[f"/api/v1/origins/{oid}/entries"] = tampered
    try:
        code, result = member("sync", server=proxy.url)
    finally:
        proxy.close()

    assert code == 0  # B's own origin synced
    frozen = _outcome(result, a.origin)
    assert frozen["frozen"] is True and "verification failed" in frozen["frozen_reason"]
    assert _outcome(result, b.origin)["synced"]["size"] > 0
    # Frozen for good in this client: the next sync (through B itself) no longer follows A.
    code, result = member("sync")
    assert _outcome(result, a.origin)["skipped"] == "frozen by this client"
    status = {o["origin"]: o for o in member("status")[1]["origins"]}
    assert (status[a.origin]["frozen"], status[a.origin]["frozen_by"]) == (True, "client")


def test_a_pinned_root_stands_in_for_the_signed_list(federation, member, tmp_path):
    a, _b = federation
    pin = tmp_path / "a-root.note"
    pin.write_text(a.get("/api/v1/roots", Authorization=f"Bearer {a.token}").json()["roots"][0])
    assert rootdoc.verify_first(pin.read_text()).origin == a.origin

    code, result = member("sync", "--pin-root", str(pin))

    assert code == 0 and _outcome(result, a.origin)["error"] == ""
    with Store(f"{member.state}.origins/{origin_id(a)}.sqlite") as store:
        assert store.origin_meta()["anchored_by"] == "pin"

"""What a peer sends that does not verify: a bad signature, a rewind and a huge answer are
refused and store nothing (the peer is retried); entries that do not fit a signed checkpoint and
a forged fork (a second checkpoint of the mirrored size signed with A's own key) freeze that
origin at its last consistent size with evidence anyone can check, and the other origin keeps
syncing."""

from __future__ import annotations

import base64
import json
import os

import pytest

from member_portal.feed import checkpoint as checkpoints
from member_portal.feed import note
from tests.fixtures.values import pdq
from tests.mirrors.federation import PAGE_MAX, Proxy, origin_id, published_size, size_of, submit
from tests.publishing.banks import Bank
from tests.verify import independent


@pytest.fixture(scope="module")
def three(tmp_path_factory):
    a = Bank("a", tmp_path_factory.mktemp("bank-a"), HASHBANK_ENTRIES_PAGE_MAX=PAGE_MAX)
    c = Bank("c", tmp_path_factory.mktemp("bank-c"), HASHBANK_ENTRIES_PAGE_MAX=PAGE_MAX)
    b = Bank("b", tmp_path_factory.mktemp("bank-b"), HASHBANK_MIRROR_INTERVAL="3600")
    proxies = []
    try:
        for bank in (a, c, b):
            bank.first_start()
            bank.start()
        for origin in (a, c):
            proxy = Proxy(origin.url)
            proxies.append(proxy)
            b.manage(
                "peers", "add", proxy.url, "--name", origin.name,
                "--credential", origin.peer_credential("peer-b"), "--expect-key", origin.log_key(),
            )  # fmt: skip
            submit(origin, 20, pdq)
        assert "failed" not in sync(b)
        yield a, c, b, proxies[0], proxies[1]
    finally:
        for proxy in proxies:
            proxy.close()
        for bank in (b, c, a):
            bank.stop()


def sync(b: Bank) -> str:
    """`mirrors sync` (exits non-zero when a mirror failed or froze: its output either way)."""
    result = b.run_manage("mirrors", "sync")
    return result.stdout + result.stderr


def status(b: Bank, origin: Bank) -> dict:
    found = json.loads(b.manage("mirrors", "status", "--json"))
    return next(m for m in found if m["origin"] == origin.origin)


def mirrored(b: Bank, origin: Bank) -> str:
    return b.get(f"/mirror/{origin_id(origin)}/checkpoint").text


def signed_by_a(a: Bank, body: str) -> str:
    return note.sign(body, a.log_signers())


def body_with_root(signed: str, root: bytes) -> str:
    text, _ = note.split(signed)
    lines = text.split("\n")
    lines[2] = base64.b64encode(root).decode()
    return "\n".join(lines)


def test_a_checkpoint_not_signed_by_a_is_refused_and_nothing_stored(three):
    a, c, b, proxy_a, _ = three
    before = status(b, a)
    submit(a, 3, pdq)
    stranger = note.Signer.generate(a.origin)
    forged = note.sign(note.split(a.get("/log/checkpoint").text)[0], [stranger])
    proxy_a.overrides["/api/v1/checkpoint"] = lambda path: (200, "text/plain", forged.encode())
    try:
        assert "failed" in sync(b)
    finally:
        proxy_a.overrides.clear()
    after = status(b, a)
    assert (after["size"], after["verified_size"]) == (before["size"], before["verified_size"])
    assert not after["frozen"] and "checkpoint" in after["last_error"] and after["retry_at"]
    assert "synced" in sync(b)  # `mirrors sync` ignores the backoff; A itself is fine
    assert status(b, a)["last_error"] == ""


def test_an_older_checkpoint_of_a_is_no_rewind(three):
    a, c, b, proxy_a, _ = three
    old = a.get("/log/checkpoint").text
    submit(a, 3, pdq)
    assert "synced" in sync(b)
    size = status(b, a)["size"]
    assert size > size_of(old)
    proxy_a.overrides["/api/v1/checkpoint"] = lambda path: (200, "text/plain", old.encode())
    try:
        assert "up to date" in sync(b)
    finally:
        proxy_a.overrides.clear()
    assert status(b, a)["size"] == size and size_of(mirrored(b, a)) == size


def test_a_huge_answer_is_refused_and_nothing_stored(three):
    a, c, b, proxy_a, _ = three
    submit(a, 3, pdq)
    size = status(b, a)["size"]
    huge = os.urandom(100 * 1024)
    proxy_a.overrides["/api/v1/checkpoint"] = lambda path: (200, "text/plain", huge)
    try:
        assert "failed" in sync(b)
    finally:
        proxy_a.overrides.clear()
    after = status(b, a)
    assert after["size"] == size and "exceeds" in after["last_error"]


def test_entries_that_do_not_fit_freeze_that_origin_and_store_nothing(three):
    a, c, b, _, proxy_c = three
    sync(b)
    size = status(b, c)["size"]
    submit(c, 5, pdq)

    def tampered(path: str):
        status_, headers, body = proxy_c.forward(path, {"Authorization": f"Bearer {c.token}"})
        page = bytearray(body)
        page[16 + 20] ^= 1  # a byte of the first entry's value digest
        return status_, "application/octet-stream", bytes(page)

    proxy_c.overrides["/api/v1/entries"] = tampered
    try:
        assert "equivocation" in sync(b)
    finally:
        proxy_c.overrides.clear()
    frozen = status(b, c)
    assert frozen["frozen"] and frozen["size"] == size and frozen["verified_size"] == size
    assert "do not fit" in frozen["frozen_reason"]
    # Frozen for good: served at its last consistent state, not synced any more.
    assert "frozen" in sync(b)
    response = b.get(f"/mirror/{origin_id(c)}/checkpoint")
    assert response.headers["Hashbank-Frozen"] == "true" and size_of(response.text) == size
    # A is not affected.
    submit(a, 2, pdq)
    sync(b)
    assert status(b, a)["size"] == published_size(a) and not status(b, a)["frozen"]


def test_a_forged_fork_of_a_freezes_a_with_evidence_anyone_can_check(three):
    a, c, b, proxy_a, _ = three
    sync(b)
    held = mirrored(b, a)
    size = size_of(held)
    fork = signed_by_a(a, body_with_root(held, os.urandom(32)))
    proxy_a.overrides["/api/v1/checkpoint"] = lambda path: (200, "text/plain", fork.encode())
    try:
        assert "equivocation" in sync(b)
    finally:
        proxy_a.overrides.clear()
    state = status(b, a)
    assert state["frozen"] and state["size"] == size
    assert "different roots" in state["frozen_reason"]

    (evidence,) = [
        e for e in json.loads(b.get("/federation/evidence").body)["evidence"]
        if e["origin"] == a.origin
    ]  # fmt: skip
    assert evidence["origin_id"] == origin_id(a)
    first, second = evidence["notes"]
    # Both notes verify with A's key alone (the independent implementation): one size, two roots.
    texts = [independent.open_note(n, [a.log_key()])[0] for n in (first, second)]
    parsed = [checkpoints.parse_body(t) for t in texts]
    assert parsed[0].size == parsed[1].size == size and parsed[0].root != parsed[1].root
    # Frozen: the last consistent state is still served; syncing does not move it.
    submit(a, 2, pdq)
    assert "frozen" in sync(b)
    assert mirrored(b, a) == held

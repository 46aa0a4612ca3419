"""Bank B mirrors bank A (separate processes): byte for byte, verified with A's key, served as
tlog-tiles that an independent implementation checks; removals and purges at A reach B."""

from __future__ import annotations

import hashlib
import json

from member_portal.feed import cosignature, note
from tests.fixtures.values import pdq
from tests.mirrors.federation import mirror_sync, origin_id, published_size, size_of, submit
from tests.publishing.banks import wait_for
from tests.verify import independent


def b_entries_digest(b, oid: str, start: int, end: int) -> str:
    """SHA-256 of B's entries page [start, end) of the mirror (hashbank.mirrors.selectors)."""
    code = (
        "import hashlib;from hashbank.mirrors import selectors as s;"
        f"log=s.mirrored_log('{oid}');"
        f"print(log.size, hashlib.sha256(s.entries_page(log,{start},{end})).hexdigest())"
    )
    return b.manage("shell", "-v", "0", "-c", code).strip().splitlines()[-1]


def a_entries(a, token: str, size: int) -> bytes:
    """A's entries [0, size) over its member API, page after page, as one page's bytes."""
    body, start, count = b"", 0, 0
    while start < size:
        page = a.get(f"/api/v1/entries?from={start}&size={size}", Authorization=f"Bearer {token}")
        assert page.status == 200
        n = int.from_bytes(page.body[12:16], "big")
        body += page.body[16:]
        start, count = start + n, count + n
    return b"HBE1" + (0).to_bytes(8, "big") + count.to_bytes(4, "big") + body


def served_tiles(b, oid: str, size: int) -> dict[str, bytes]:
    files = {}
    for name in independent.tlog_tiles([b"\0"] * size):  # the names a tree of `size` has
        response = b.get(f"/mirror/{oid}/{name}")
        assert response.status == 200, name
        files[name] = response.body
    return files


def test_b_mirrors_a_byte_for_byte_and_serves_tiles_an_independent_check_verifies(federation):
    a, b, _ = federation
    for _ in range(3):
        submit(a, 150, pdq)
    size = published_size(a)
    assert size > 300  # several pages, more than one full tile
    out = mirror_sync(b)
    assert "synced" in out, out

    oid = origin_id(a)
    mirrored = b.get(f"/mirror/{oid}/checkpoint")
    assert mirrored.status == 200 and size_of(mirrored.text) == size
    # A's signature kept: the note verifies with A's key alone, and its text is A's.
    text, signers = independent.open_note(mirrored.text, [a.log_key()])
    assert text == note.split(a.get("/log/checkpoint").text)[0]
    # B's entries are A's, byte for byte.
    expected = hashlib.sha256(a_entries(a, a.token, size)).hexdigest()
    assert b_entries_digest(b, oid, 0, size) == f"{size} {expected}"
    # B's tiles are A's tiles, and lead to A's signed root (the independent implementation).
    files = served_tiles(b, oid, size)
    for name, data in files.items():
        assert a.get(f"/log/{name}").body == data, name
    checkpoint = independent.parse_checkpoint(text)
    assert independent.root_from_tiles(size, files) == checkpoint["root"]
    leaves = [
        files[name][i + 2 : i + 2 + 52]
        for name in sorted(n for n in files if n.startswith("tile/entries/"))
        for i in range(0, len(files[name]), 54)
    ]
    assert independent.tlog_tiles(leaves) == files


def test_the_mirrored_note_carries_b_mirror_and_witness_cosignatures(federation):
    a, b, _ = federation
    submit(a, 5, pdq)
    mirror_sync(b)
    signed = b.get(f"/mirror/{origin_id(a)}/checkpoint").text
    text, _ = note.split(signed)
    witness = cosignature.CosignatureVerifier.parse(b.witness_vkey)
    assert len(cosignature.cosignatures(signed, [witness])) == 1
    names = [s.name for s in note.split(signed)[1]]
    assert f"{b.origin}/mirror" in names and f"{b.origin}/witness" in names
    # B's witness holds A's tree at the mirrored size.
    held = b.get(f"/witness/{origin_id(a)}/checkpoint")
    assert held.status == 200 and size_of(held.text) == size_of(signed)


def test_a_sync_of_an_up_to_date_mirror_changes_nothing(federation):
    a, b, proxy = federation
    mirror_sync(b)
    before = b.get(f"/mirror/{origin_id(a)}/checkpoint").text
    proxy.requests.clear()
    assert "up to date" in mirror_sync(b)
    assert not [r for r in proxy.requests if r.startswith("/api/v1/entries")]
    assert size_of(b.get(f"/mirror/{origin_id(a)}/checkpoint").text) == size_of(before)


def test_a_withdrawal_and_purge_at_a_reach_b_within_one_sync(federation):
    a, b, _ = federation
    case = submit(a, 2, pdq)
    mirror_sync(b)
    before = published_size(a)
    response = a.withdraw(case["case_number"], case["pin"])
    assert response.status == 200, response.text
    wait_for(lambda: published_size(a) > before, what="the removal is published")
    # A purge waits until every platform of A applied the removal (hashbank.receipts): A's
    # one platform acknowledges it first, so the value is purged now.
    ack = a.request(
        "POST",
        "/api/v1/sync/ack",
        json.dumps({"size": published_size(a)}).encode(),
        **{"Authorization": f"Bearer {a.token}", "Content-Type": "application/json"},
    )
    assert ack.status == 200, ack.text
    a.manage("ledger", "purge", "--removed-days", "0")
    mirror_sync(b)
    size = published_size(a)
    oid = origin_id(a)
    expected = hashlib.sha256(a_entries(a, a.token, size)).hexdigest()
    assert b_entries_digest(b, oid, 0, size) == f"{size} {expected}"


def test_the_mirror_endpoints_answer_404_for_what_is_not_there(federation):
    a, b, _ = federation
    oid = origin_id(a)
    size = size_of(b.get(f"/mirror/{oid}/checkpoint").text)
    for path in (
        f"/mirror/{'0' * 64}/checkpoint",
        "/mirror/not-an-id/checkpoint",
        f"/mirror/{oid}/tile/0/999",
        f"/mirror/{oid}/tile/0/x000/000",
        f"/mirror/{oid}/tile/9/000",
        f"/mirror/{oid}/tile/entries/000.p/0",
        f"/mirror/{oid}/tile/0/{size // 256:03d}.p/{(size % 256) + 1}",
        f"/mirror/{oid}/../log/checkpoint",
    ):
        assert b.get(path).status == 404, path
    assert b.request("POST", f"/mirror/{oid}/checkpoint", b"x").status in (403, 405)
    evidence = b.get("/federation/evidence")
    assert evidence.status == 200 and json.loads(evidence.body) == {"evidence": []}


def test_a_nudge_from_a_makes_b_mirror_at_once_and_b_records_the_removals_arrival(federation):
    """B's interval is an hour (the fixture): only A's nudge after its publish explains B's
    mirror moving. Last in this module: A peering with B (so it nudges B) would make the syncs
    the other tests run by hand find nothing to do."""
    a, b, _ = federation
    a.peer_with(b)  # A now knows B's URL and holds a credential B issued: it nudges B
    try:
        oid = origin_id(a)

        def mirrored_size() -> int:
            response = b.get(f"/mirror/{oid}/checkpoint")
            return size_of(response.text) if response.status == 200 else 0

        case = submit(a, 3, pdq)
        size = published_size(a)
        wait_for(lambda: mirrored_size() >= size, timeout=60, what="B mirrors A after A's nudge")
        assert "nudged at size" in a.manage("peers", "list")
        before = published_size(a)
        assert a.withdraw(case["case_number"], case["pin"]).status == 200
        wait_for(lambda: published_size(a) > before, what="the removal is published")
        size = published_size(a)
        wait_for(lambda: mirrored_size() >= size, timeout=60, what="B mirrors the removal")
        [status] = json.loads(b.manage("mirrors", "status", "--json"))
        assert status["removal_lag"]["removals"] >= 3
        assert 0 <= status["removal_lag"]["max_seconds"] < 60
    finally:
        a.manage("peers", "suspend", "b")

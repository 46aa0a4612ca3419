"""Bank B's members read bank A's mirrored origin with stock tools (separate processes, B
mirroring A; one pair for this module, each test reading only the cases it added).

The StopNCII facade: the stock python-threatexchange client fetches A's adds from B, is told a
withdrawal at A once per page as `Deleted` (as every removal is) though B's mirror blanked the
value, and B keeps that value aside (a facade hold) exactly until the client acknowledged past
the removal.

The python-threatexchange extension, pointed at B only, through the real `fetch_iter` as HMA
drives it: A trusted from B's signed origins list, verified with A's keys, keyed by A's origin
id, a withdrawal at A deleting the record at the next fetch; the allow-list switches A off; a
checkpoint stored before carried origins still loads."""

from __future__ import annotations

import dataclasses
import gzip
import io
import json
import time
from concurrent.futures import ThreadPoolExecutor

from threatexchange.exchanges.clients.stopncii import api as stopncii

from member_portal.feed import rootdoc, wire
from member_portal.tx_extension.api import (
    HashbankCheckpoint,
    HashbankCollabConfig,
    HashbankCredentials,
    HashbankSignalExchangeAPI,
)
from member_portal.verify import verify_snapshot
from tests.fixtures.values import pdq
from tests.mirrors.federation import mirror_sync, origin_id, published_size, submit
from tests.publishing.banks import wait_for
from tests.tx_extension.test_acknowledgements import HmaLikeFetcher


def _held(b, values: list[str]) -> int:
    """How many of `values` B keeps in facade holds (its own table, not the mirror's copy)."""
    code = (
        "from hashbank.mirrors.models import FacadeHold as H;"
        f"v={values!r};"
        "print(sum(bytes(h.payload)[17:].hex() in v for h in H.objects.all()))"
    )
    return int(b.manage("shell", "-v", "0", "-c", code).strip().splitlines()[-1])


def _fetch(client, since: int) -> tuple[list[list], int]:
    """Every page since `since` as lists of (value, status) and the nextSetTimestamp to store."""
    pages, stored = [], since
    for page in client.fetch_hashes_iter(start_timestamp=since):
        pages.append([(r.hashValue, r.hashStatus.value) for r in page.hashRecords])
        stored = page.nextSetTimestamp
    return pages, stored


def test_the_stock_client_reads_as_origin_from_b_and_drops_a_withdrawal_told_once(federation):
    a, b, _ = federation
    oid = origin_id(a)
    hashes = [pdq(), pdq()]
    values = [h["value"] for h in hashes]
    before = published_size(a)
    response = a.submit(hashes)
    assert response.status == 201, response.text
    case = response.json()
    wait_for(lambda: published_size(a) > before, what="A published the case")
    mirror_sync(b)
    base = f"{b.url}/api/stopncii/v1/origins/{oid}"
    client = stopncii.StopNCIIAPI(
        subscription_key=b.token, fetch_function_key=b.token, base_url_override=base
    )

    pages, since = _fetch(client, 0)
    got = {v: s for page in pages for v, s in page if v in values}
    assert got == dict.fromkeys(values, "Active")
    raw = b.get(
        f"/api/stopncii/v1/origins/{oid}/FetchHashes?startTimestamp=0&pageSize=1000",
        **{"x-functions-key": b.token, "Ocp-Apim-Subscription-Key": b.token},
    )
    mine = [r for r in raw.json()["hashRecords"] if r["hashValue"] in values]
    assert {r["origin"] for r in mine} == {a.origin}  # provenance: A's, served by B

    before = published_size(a)
    assert a.withdraw(case["case_number"], case["pin"]).status == 200
    wait_for(lambda: published_size(a) > before, what="A published the removal")
    mirror_sync(b)
    # B's mirror blanked both values (byte for byte A's log), and holds them for its facade.
    assert _held(b, values) == 2

    pages, since = _fetch(client, since)
    for page in pages:  # never twice in a page
        assert len([v for v, _ in page if v in values]) == len({v for v, _ in page if v in values})
    told = {v: s for page in pages for v, s in page if v in values}
    assert told == dict.fromkeys(values, "Deleted")
    mirror_sync(b)
    assert _held(b, values) == 2  # the client has not acknowledged past the removal yet

    # A later checkpoint at A moves the client's clock past the removal; its next fetch since
    # the time it stored is its acknowledgement, after which B's next sync releases the hold.
    submit(a, 1, pdq)
    mirror_sync(b)
    _, since = _fetch(client, since)
    _fetch(client, since)
    mirror_sync(b)
    assert _held(b, values) == 0
    # The mirror's copy was never touched by the hold: B serves A's entries with empty payloads.
    page = b.get(
        f"/api/v1/origins/{oid}/entries?from=0&size={published_size(a)}",
        Authorization=f"Bearer {b.token}",
    )
    assert page.status == 200 and not any(bytes.fromhex(v) in page.body for v in values)


def test_feedback_about_a_mirrored_origin_by_value_is_not_taken(federation):
    a, b, _ = federation
    oid = origin_id(a)
    body = {"hashFeedbacks": [{"hashValue": pdq()["value"], "feedbackValue": "Blocked"}]}
    response = b.request(
        "POST",
        f"/api/stopncii/v1/origins/{oid}/SubmitFeedback",
        json.dumps(body).encode(),
        **{
            "x-functions-key": b.token,
            "Ocp-Apim-Subscription-Key": b.token,
            "Content-Type": "application/json",
        },
    )
    assert response.status == 200, response.text
    assert response.json() == {"count": 1, "accepted": 0, "unknown": 1}


# -- the python-threatexchange extension --


def _api(b, tmp_path, **collab) -> HashbankSignalExchangeAPI:
    roots = b.get("/api/v1/roots", Authorization=f"Bearer {b.token}").json()["roots"]
    root = tmp_path / "b-root.note"
    root.write_text(roots[0])  # B's root document, as the member got it out of band
    config = HashbankCollabConfig(name="nii_bank", base_url=b.url, root_file=str(root), **collab)
    return HashbankSignalExchangeAPI.for_collab(config, HashbankCredentials(b.token))


def _published_case(a, hashes: list[dict]) -> dict:
    before = published_size(a)
    response = a.submit(hashes)
    assert response.status == 201, response.text
    wait_for(lambda: published_size(a) > before, what="A published the case")
    return response.json()


def _of(fetcher, oid: str) -> dict[str, object]:
    return {k: v for k, v in fetcher.content.items() if k.startswith(f"{oid}:")}


def test_the_extension_fetches_as_origin_through_b_verified_and_follows_a_withdrawal(
    federation, tmp_path
):
    a, b, _ = federation
    oid = origin_id(a)
    hashes = [pdq(), pdq()]
    case = _published_case(a, hashes)
    mirror_sync(b)
    fetcher = HmaLikeFetcher(_api(b, tmp_path))

    fetcher.fetch()

    records = _of(fetcher, oid)
    mine = {
        r.signal_value: r
        for r in records.values()
        if r.signal_value in {h["value"] for h in hashes}
    }
    assert set(mine) == {h["value"] for h in hashes}
    assert {r.origin for r in records.values()} == {a.origin}
    carried = fetcher.checkpoint.carried()[oid]
    assert carried["size"] == published_size(a) and "frozen" not in carried
    assert f"origin {a.origin}\n" in carried["root"]  # A's root document: verified with A's keys

    before = published_size(a)
    assert a.withdraw(case["case_number"], case["pin"]).status == 200
    wait_for(lambda: published_size(a) > before, what="A published the removal")
    mirror_sync(b)
    fetcher.fetch()

    left = {r.signal_value for r in _of(fetcher, oid).values()}
    assert not left & {h["value"] for h in hashes}
    assert fetcher.checkpoint.carried()[oid]["size"] == published_size(a)

    # A checkpoint stored before carried origins (no `origins` field) loads, and A's state is
    # then built afresh from B's signed list.
    old = HashbankCheckpoint(
        **{k: v for k, v in dataclasses.asdict(fetcher.checkpoint).items() if k != "origins"}
    )
    fetcher.checkpoint, fetcher.content = old, {}
    fetcher.fetch()
    assert fetcher.checkpoint.carried()[oid]["size"] == published_size(a)


def test_the_allow_list_switches_as_origin_off(federation, tmp_path):
    a, b, _ = federation
    _published_case(a, [pdq()])
    mirror_sync(b)
    fetcher = HmaLikeFetcher(_api(b, tmp_path, origins=f"!{a.origin}"))

    fetcher.fetch()

    assert not _of(fetcher, origin_id(a))
    # B's own log is empty here, so nothing at all was fetched: no state either.
    assert fetcher.checkpoint is None or origin_id(a) not in fetcher.checkpoint.carried()


def test_the_extension_sends_a_stale_carried_origins_records_to_review(federation, tmp_path):
    a, b, _ = federation
    oid = origin_id(a)
    _published_case(a, [pdq()])
    mirror_sync(b)
    fetcher = HmaLikeFetcher(_api(b, tmp_path))
    fetcher.fetch()
    assert _of(fetcher, oid) and all(r.freshness == "fresh" for r in _of(fetcher, oid).values())
    signed_at = fetcher.checkpoint.carried()[oid]["time"]
    wait_for(lambda: int(time.time()) > signed_at, timeout=5, what="a second passes")

    fetcher.api.collab = dataclasses.replace(fetcher.api.collab, review_after=1)
    fetcher.fetch()

    records = _of(fetcher, oid).values()
    assert records and all(r.freshness == "review" for r in records)
    assert all("stale_origin" in r.get_as_opinions()[0].tags for r in records)
    assert fetcher.checkpoint.carried()[oid]["freshness"] == "review"


# -- a snapshot of the mirrored origin --


def _snapshot(a, b) -> tuple:
    """B's snapshot of A's origin: the response, and the values of its records once verified
    with A's keys alone (A's first root document, as a member gets it out of band)."""
    response = b.get(f"/api/v1/origins/{origin_id(a)}/snapshot", Authorization=f"Bearer {b.token}")
    assert response.status == 200, response.text
    a_root = a.get("/api/v1/roots", Authorization=f"Bearer {a.token}").json()["roots"][0]
    values = []
    reader = wire.SnapshotReader(
        io.BufferedReader(gzip.GzipFile(fileobj=io.BytesIO(response.body)))
    )
    feed = verify_snapshot(
        rootdoc.verify_first(a_root), reader, lambda r: values.append(r.value.hex())
    )
    assert feed.size == int(response.headers["Hashbank-Tree-Size"]) and feed.root.origin == a.origin
    return response, values


def _snapshot_files(b) -> dict[str, tuple[int, int]]:
    """B's built snapshot files of mirrored origins, each with its inode and mtime (a build
    writes a new file and renames it into place, so both change when one is built again)."""
    return {
        path.name: (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in (b.directory / "snapshots").glob("origin-*")
    }


def test_b_serves_a_snapshot_of_as_origin_that_verifies_with_as_keys_alone(federation):
    a, b, _ = federation
    kept, withdrawn = pdq(), pdq()
    _published_case(a, [kept])
    case = _published_case(a, [withdrawn])
    before = published_size(a)
    assert a.withdraw(case["case_number"], case["pin"]).status == 200
    wait_for(lambda: published_size(a) > before, what="A published the removal")
    mirror_sync(b)

    response, values = _snapshot(a, b)

    assert int(response.headers["Hashbank-Tree-Size"]) == published_size(a)
    assert kept["value"] in values and withdrawn["value"] not in values


SNAPSHOT_HEADERS = ("Content-Type", "Content-Length", "Cache-Control", "ETag", "Hashbank-Tree-Size")


def test_b_builds_as_snapshot_once_per_mirrored_state_and_a_withdrawal_makes_a_new_one(federation):
    a, b, _ = federation
    kept, withdrawn = pdq(), pdq()
    _published_case(a, [kept])
    case = _published_case(a, [withdrawn])
    mirror_sync(b)

    first, values = _snapshot(a, b)
    built = _snapshot_files(b)
    again, values_again = _snapshot(a, b)  # the cached file, verified with A's keys alone

    assert len(built) == 1 and _snapshot_files(b) == built  # served, not built again
    assert again.body == first.body and values_again == values
    assert {h: again.headers[h] for h in SNAPSHOT_HEADERS} == {
        h: first.headers[h] for h in SNAPSHOT_HEADERS
    }
    assert {kept["value"], withdrawn["value"]} <= set(values)
    unchanged = b.get(
        f"/api/v1/origins/{origin_id(a)}/snapshot",
        Authorization=f"Bearer {b.token}",
        **{"If-None-Match": first.headers["ETag"]},
    )
    assert unchanged.status == 304

    # The withdrawal at A reaches B: the mirror moved on, its old file is gone (it held the
    # withdrawn value), and the next request builds the new size's without it.
    before = published_size(a)
    assert a.withdraw(case["case_number"], case["pin"]).status == 200
    wait_for(lambda: published_size(a) > before, what="A published the removal")
    mirror_sync(b)
    assert _snapshot_files(b) == {}
    after, values_after = _snapshot(a, b)

    assert (
        int(after.headers["Hashbank-Tree-Size"])
        == published_size(a)
        > int(first.headers["Hashbank-Tree-Size"])
    )
    assert after.headers["ETag"] != first.headers["ETag"]
    assert kept["value"] in values_after and withdrawn["value"] not in values_after
    assert len(_snapshot_files(b)) == 1


def test_concurrent_first_requests_for_as_snapshot_get_the_same_whole_file(federation):
    a, b, _ = federation
    kept = pdq()
    _published_case(a, [kept])
    mirror_sync(b)  # the mirror moved on: no file of A's origin yet
    assert _snapshot_files(b) == {}
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: _snapshot(a, b), range(4)))

    assert len({response.body for response, _values in answers}) == 1
    assert all(kept["value"] in values for _response, values in answers)
    assert len(_snapshot_files(b)) == 1
    assert not list((b.directory / "snapshots").glob(".building-*"))  # no temporary file left

"""GET /api/v1/origins and the per-origin endpoints, against the bank's own (local) origin: a
bank without peers carries exactly one origin, itself, and /api/v1/origins/<id>/... answers what
the un-prefixed endpoints answer."""

import hashlib

import pytest

from hashbank.ledger import selectors as ledger
from member_portal.api import tasks
from member_portal.feed import origins, rootdoc
from tests.fixtures.values import MD5_VALUE


@pytest.fixture
def origin_id(settings) -> str:
    return hashlib.sha256(settings.HASHBANK_ORIGIN.encode()).hexdigest()


def test_a_bank_without_peers_carries_one_origin_itself(published, api, settings, origin_id):
    _case, checkpoint = published
    body = api.get("/api/v1/origins").json()

    assert body["carrier"] == settings.HASHBANK_ORIGIN
    (only,) = body["origins"]
    assert (only["id"], only["origin"], only["local"]) == (
        origin_id,
        settings.HASHBANK_ORIGIN,
        True,
    )
    assert only["size"] == checkpoint.size
    assert only["root_document"] == ledger.root_documents()[0]
    assert only["keys"] == ledger.public_keys()
    assert only["frozen"] is False and only["freshness_seconds"] >= 0


def test_the_signed_list_is_signed_by_the_carriers_root_keys_and_names_its_anchor(published, api):
    body = api.get("/api/v1/origins").json()
    root = rootdoc.verify_first(ledger.root_documents()[0])

    listed = origins.verify(body["signed_list"], list(root.keys))

    (entry,) = listed.entries
    assert entry.origin == body["carrier"]
    assert entry.anchors(body["origins"][0]["root_document"])


def test_per_origin_checkpoint_is_the_local_checkpoint(published, api, origin_id):
    plain = api.get("/api/v1/checkpoint")
    prefixed = api.get(f"/api/v1/origins/{origin_id}/checkpoint")
    assert prefixed.status_code == 200
    assert prefixed.content == plain.content
    assert prefixed["ETag"] == plain["ETag"]
    assert prefixed["Hashbank-Tree-Size"] == plain["Hashbank-Tree-Size"]


def test_per_origin_entries_page_is_the_local_page_and_links_under_its_prefix(
    publish, api, origin_id, settings
):
    settings.HASHBANK_ENTRIES_PAGE_MAX = 2
    publish()
    _, checkpoint = publish([("md5", MD5_VALUE)])
    url = f"/api/v1/origins/{origin_id}/entries?from=0&size={checkpoint.size}"

    prefixed = api.get(url)

    assert prefixed.content == api.get(f"/api/v1/entries?from=0&size={checkpoint.size}").content
    assert prefixed["Link"].startswith(f"</api/v1/origins/{origin_id}/entries?from=2&")


def test_per_origin_entries_without_size_redirect_under_the_prefix(published, api, origin_id):
    _case, checkpoint = published
    response = api.get(f"/api/v1/origins/{origin_id}/entries?from=0")
    assert response.status_code == 302
    assert response["Location"] == (
        f"/api/v1/origins/{origin_id}/entries?from=0&size={checkpoint.size}"
    )


def test_per_origin_proofs_and_roots_are_the_local_ones(publish, api, origin_id):
    _, first = publish()
    _, second = publish([("md5", MD5_VALUE)])
    for path in (
        f"proofs/inclusion?index=1&size={second.size}",
        f"proofs/consistency?old={first.size}&new={second.size}",
        "roots",
    ):
        prefixed = api.get(f"/api/v1/origins/{origin_id}/{path}")
        assert prefixed.status_code == 200, path
        assert prefixed.json() == api.get(f"/api/v1/{path}").json()


def test_per_origin_snapshot_redirects_to_the_local_snapshot(
    published, api, origin_id, settings, tmp_path
):
    settings.HASHBANK_SNAPSHOT_DIR = tmp_path / "snapshots"
    size = tasks.build_snapshot.apply().get()
    response = api.get(f"/api/v1/origins/{origin_id}/snapshot")
    assert response.status_code == 302
    assert response["Location"] == f"/api/v1/snapshots/{size}"


def test_reading_the_local_origin_records_the_members_pull(published, api, origin_id):
    _case, checkpoint = published
    api.get(f"/api/v1/origins/{origin_id}/checkpoint")
    assert api.get("/api/v1/sync").json()["last_pulled_size"] == checkpoint.size


@pytest.mark.parametrize(
    "path",
    [
        "checkpoint",
        "entries?from=0&size=1",
        "proofs/inclusion?index=0&size=1",
        "proofs/consistency?old=1&new=1",
        "roots",
        "snapshot",
    ],
)
def test_an_origin_the_bank_does_not_carry_is_a_coded_404(published, api, path):
    unknown = hashlib.sha256(b"nobody.example/hashbank").hexdigest()
    response = api.get(f"/api/v1/origins/{unknown}/{path}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_origin"


def test_a_malformed_origin_id_is_unknown_too(published, api):
    response = api.get("/api/v1/origins/NOT-AN-ID/checkpoint")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_origin"


def test_the_origins_list_needs_a_credential(published, client):
    assert client.get("/api/v1/origins").status_code == 401

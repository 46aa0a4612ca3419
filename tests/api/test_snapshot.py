import gzip
import io

import pytest

from member_portal.api import tasks
from member_portal.api.models import Snapshot


@pytest.fixture
def snapshot(published, settings, tmp_path):
    settings.HASHBANK_SNAPSHOT_DIR = tmp_path / "snapshots"
    size = tasks.build_snapshot.apply().get()
    return Snapshot.objects.get(size=size)


def test_snapshot_task_builds_a_compressed_file_for_the_latest_checkpoint(published, snapshot):
    _case, checkpoint = published
    assert snapshot.size == checkpoint.size
    assert snapshot.bytes > 0 and len(snapshot.sha256) == 64


def test_building_again_for_the_same_checkpoint_reuses_the_file(snapshot):
    assert tasks.build_snapshot.apply().get() == snapshot.size
    assert Snapshot.objects.count() == 1


def test_latest_snapshot_redirects_to_its_immutable_url(snapshot, api):
    response = api.get("/api/v1/snapshot")
    assert response.status_code == 302
    assert response["Location"] == f"/api/v1/snapshots/{snapshot.size}"


def test_a_mirrored_origins_snapshot_is_never_the_banks_own(snapshot, api, settings):
    # A mirrored origin's file (api/services.mirrored_snapshot) beside the bank's own, larger:
    # the un-prefixed endpoints serve only the bank's own log.
    (settings.HASHBANK_SNAPSHOT_DIR / "origin-mirrored.bin.gz").write_bytes(b"not ours")
    Snapshot.objects.create(
        origin_id="ab" * 32,
        size=snapshot.size + 100,
        basis="x",
        filename="origin-mirrored.bin.gz",
        sha256="0" * 64,
        bytes=8,
    )
    assert api.get("/api/v1/snapshot")["Location"] == f"/api/v1/snapshots/{snapshot.size}"
    missing = api.get(f"/api/v1/snapshots/{snapshot.size + 100}")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "unknown_snapshot"


def test_snapshot_streams_with_a_strong_etag_and_verifies(snapshot, api):
    response = api.get(f"/api/v1/snapshots/{snapshot.size}")
    assert response.status_code == 200
    assert response["ETag"] == f'"{snapshot.sha256}"'
    assert response["Content-Type"] == "application/gzip"
    assert response["Cache-Control"] == "private, no-cache"
    body = b"".join(response.streaming_content)
    assert len(body) == snapshot.bytes
    state = verify_snapshot_bytes(api, body)
    assert state.size == snapshot.size
    assert state.active.count == 4


def verify_snapshot_bytes(api, body: bytes):
    """The member's side: trust the root document, then check the snapshot against it."""
    from member_portal import verify
    from member_portal.feed import wire

    roots = api.get("/api/v1/roots").json()["roots"]
    root = verify.trust_root(roots[0], roots[1:])
    return verify.verify_snapshot(root, wire.SnapshotReader(io.BytesIO(gzip.decompress(body))))


def test_unchanged_snapshot_answers_304(snapshot, api):
    response = api.get(f"/api/v1/snapshots/{snapshot.size}", HTTP_IF_NONE_MATCH=snapshot.etag)
    assert response.status_code == 304


def test_range_request_resumes_a_download(snapshot, api):
    whole = b"".join(api.get(f"/api/v1/snapshots/{snapshot.size}").streaming_content)
    response = api.get(
        f"/api/v1/snapshots/{snapshot.size}", HTTP_RANGE="bytes=10-", HTTP_IF_RANGE=snapshot.etag
    )
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 10-{len(whole) - 1}/{len(whole)}"
    assert b"".join(response.streaming_content) == whole[10:]


def test_range_after_the_end_is_a_coded_416(snapshot, api):
    response = api.get(f"/api/v1/snapshots/{snapshot.size}", HTTP_RANGE="bytes=99999999-")
    assert response.status_code == 416
    assert response.json()["error"]["code"] == "range_not_satisfiable"


def test_if_range_with_another_etag_sends_the_whole_file(snapshot, api):
    response = api.get(
        f"/api/v1/snapshots/{snapshot.size}", HTTP_RANGE="bytes=10-", HTTP_IF_RANGE='"other"'
    )
    assert response.status_code == 200


def test_no_snapshot_yet_is_a_coded_404(published, api, settings, tmp_path):
    settings.HASHBANK_SNAPSHOT_DIR = tmp_path / "empty"
    response = api.get("/api/v1/snapshot")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "no_snapshot"

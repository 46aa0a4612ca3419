"""docs/member-guide.md, section 3, step by step: from a credential to a verified sync, checked by
the member-side verifier's command line (`python -m member_portal.verify`)."""

import gzip

from member_portal import verify
from member_portal.api import services as snapshots
from tests.fixtures.values import MD5_VALUE


def test_member_bootstraps_from_a_snapshot_then_verifies_a_delta(
    publish, api, tmp_path, settings, capsys
):
    settings.HASHBANK_SNAPSHOT_DIR = tmp_path / "snapshots"
    publish()
    snapshots.build_snapshot()
    publish([("md5", MD5_VALUE)])

    root = tmp_path / "root.note"
    root.write_text(api.get("/api/v1/roots").json()["roots"][0])
    assert verify.main(["root", str(root)]) == 0

    location = api.get("/api/v1/snapshot")["Location"]
    body = b"".join(api.get(location).streaming_content)
    snapshot = tmp_path / "snapshot.bin"
    snapshot.write_bytes(gzip.decompress(body))
    assert verify.main(["snapshot", "--root", str(root), str(snapshot)]) == 0
    snapshot_size = int(location.rsplit("/", 1)[1])

    checkpoint = api.get("/api/v1/checkpoint").content.decode()
    (tmp_path / "checkpoint.note").write_text(checkpoint)
    size = int(checkpoint.split("\n")[1])
    page = api.get(f"/api/v1/entries?from={snapshot_size}&size={size}").content
    (tmp_path / "page.bin").write_bytes(page)
    assert (
        verify.main(
            [
                "entries",
                "--root",
                str(root),
                "--snapshot",
                str(snapshot),
                str(tmp_path / "page.bin"),
                str(tmp_path / "checkpoint.note"),
            ]
        )
        == 0
    )
    assert "ok: entries verified up to size" in capsys.readouterr().out

    ack = api.post("/api/v1/sync/ack", {"size": size}, content_type="application/json")
    assert ack.json()["ack_lag"] == 0

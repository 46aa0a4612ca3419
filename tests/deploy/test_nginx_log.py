"""deploy/nginx/hashbank.conf's /log/ blocks, run by a real nginx (skipped where none is
installed) through deploy/nginx/local.py, as local-production.sh --smoke runs it: the same
headers and the same path grammar as the Django view."""

from __future__ import annotations

import hashlib
import runpy
import shutil
import socket
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from member_portal.feed import tiles
from tests.fixtures.outages import free_port
from tests.verify import independent

LOCAL = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "local.py"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed")


def get(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def nginx(tmp_path):
    """nginx on a free loopback port with the production /log/ blocks over a log of 600 entries."""
    entries = [hashlib.sha256(bytes([i % 256, i // 256])).digest() + bytes(20) for i in range(600)]
    tiles_dir = tmp_path / "tiles"
    for path, data in independent.tlog_tiles(entries).items():
        (tiles_dir / path).parent.mkdir(parents=True, exist_ok=True)
        (tiles_dir / path).write_bytes(data)
    (tiles_dir / "checkpoint").write_text("example.org/log\n600\nAAAA\n\n— k AAAAAAA=\n")
    port = free_port()
    local_conf = runpy.run_path(str(LOCAL))["local_conf"]
    # The upstream (gunicorn) is not running: these tests stay under /log/.
    (tmp_path / "nginx.conf").write_text(local_conf(str(tmp_path), str(tiles_dir), port, 9))
    args = [NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    subprocess.run([*args, "-t"], check=True, capture_output=True)
    process = subprocess.Popen(args, stderr=subprocess.PIPE)
    try:
        # Ready when it accepts a connection (an event, not a pause).
        for _ in range(500):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
        yield f"http://127.0.0.1:{port}", entries
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_nginx_serves_full_tiles_immutable_and_the_edge_uncached(nginx) -> None:
    base, _ = nginx
    for path in ("tile/0/000", "tile/0/001", "tile/entries/001"):
        status, headers, _ = get(f"{base}/log/{path}")
        assert status == 200 and headers["Cache-Control"] == "public, max-age=604800, immutable"
        assert headers["Content-Type"] == "application/octet-stream"
    for path in ("tile/0/002.p/88", "tile/1/000.p/2", "tile/entries/002.p/88"):
        status, headers, _ = get(f"{base}/log/{path}")
        assert status == 200 and headers["Cache-Control"] == "no-store"
    status, headers, body = get(f"{base}/log/checkpoint")
    assert status == 200 and headers["Cache-Control"] == "no-store"
    assert headers["Content-Type"].startswith("text/plain") and body.startswith(b"example.org")


@pytest.mark.parametrize(
    "path", ["tile/0/003", "tile/0/1", "tile/0/000.p", "..%2f..%2fetc/passwd", "tile/0/../../x"]
)
def test_nginx_refuses_paths_outside_the_grammar_and_never_caches_that(nginx, path) -> None:
    base, _ = nginx
    status, headers, _ = get(f"{base}/log/{path}")
    # 404; nginx itself answers 400 to a path that climbs above the root
    assert status in (400, 404) and "immutable" not in headers.get("Cache-Control", "")


def test_a_member_reads_the_log_through_nginx(nginx) -> None:
    base, entries = nginx

    def fetch(path: str) -> bytes | None:
        status, _, body = get(f"{base}/log/{path}")
        return body if status == 200 else None

    reader = tiles.TileReader(600, independent.mth(entries), fetch)
    assert list(reader.all_entries()) == entries

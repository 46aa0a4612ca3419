"""/log/: the tiles directory served by Django in the embedded default, public, path-safe, with
the cache headers of Sunlight's and Tessera's read paths."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from hashbank.ledger import selectors
from member_portal.feed import checkpoint as checkpoints
from member_portal.feed import note
from member_portal.feed import tiles as fmt
from tests.seeding import pending_signals

pytestmark = pytest.mark.django_db


@pytest.fixture
def log(signing_key):
    """A log of 300 entries (299 signals and the seal's state entry) with its tiles written."""
    pending_signals(299)
    call_command("ledger", "seal")
    call_command("ledger", "tiles")


def test_full_tiles_and_bundles_are_served_immutable_without_a_credential(client, log) -> None:
    for path in ("tile/0/000", "tile/entries/000"):
        response = client.get(f"/log/{path}")
        assert response.status_code == 200
        assert response["Cache-Control"] == "public, max-age=604800, immutable"
        assert response["Content-Type"] == "application/octet-stream"
    assert len(client.get("/log/tile/0/000").content) == 8192


def test_partial_tiles_and_the_checkpoint_are_not_cached(client, log) -> None:
    for path in ("tile/0/001.p/44", "tile/entries/001.p/44", "tile/1/000.p/1"):
        response = client.get(f"/log/{path}")
        assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    response = client.get("/log/checkpoint")
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == selectors.latest_checkpoint().note


@pytest.mark.parametrize(
    "path",
    [
        "tile/0/002",  # well-formed, not there
        "tile/0/001.p/45",
        "tile/0/1",
        ".lock",
        "tile/0/000/",
        "tile/0/../../../../etc/passwd",
        "tile/entries/%2e%2e/%2e%2e/checkpoint",
        "..%2fcheckpoint",
        "tile/0/000.p",
        "tile",
        "tile/0",
        "checkpoint/",
        "/etc/passwd",
    ],
)
def test_anything_but_a_tile_or_the_checkpoint_is_not_found(client, log, path) -> None:
    assert client.get(f"/log/{path}").status_code == 404


def test_the_log_is_read_only(client, log) -> None:
    assert client.post("/log/checkpoint").status_code == 405
    assert client.head("/log/checkpoint").status_code == 200


def test_a_member_recomputes_the_checkpoint_root_from_the_served_tiles(client, log) -> None:
    def fetch(path: str) -> bytes | None:
        response = client.get(f"/log/{path}")
        return response.content if response.status_code == 200 else None

    text, _ = note.open_note(fetch("checkpoint").decode(), list(selectors.current_root().keys))
    body = checkpoints.parse(text)
    reader = fmt.TileReader(body.size, body.root, fetch)
    assert len(list(reader.all_entries())) == 300

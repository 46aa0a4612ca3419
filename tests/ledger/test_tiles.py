"""The tlog-tiles writer (hashbank/ledger/tiles.py): after every seal the directory holds the log
as C2SP tlog-tiles, written in O(batch), crash-safe, full tiles never rewritten."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from hashbank.ledger import selectors, services, tiles
from hashbank.ledger.models import Checkpoint, Entry, Node, TreeState
from member_portal.feed import checkpoint as checkpoints
from member_portal.feed import note
from member_portal.feed import tiles as fmt
from tests.seeding import pending_signals
from tests.verify import independent

pytestmark = pytest.mark.django_db


@pytest.fixture
def seal(signing_key, django_capture_on_commit_callbacks):
    """seal(n): grow the log by n entries (n - 1 new signals and the seal's state entry), running
    what the seal's commit runs."""

    def seal(n: int):
        pending_signals(n - 1)
        with django_capture_on_commit_callbacks(execute=True):
            return services.seal()

    return seal


def directory() -> Path:
    return Path(settings.HASHBANK_TILES_DIR)


def files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and p.name != ".lock"
    }


def fetch_from(root: Path):
    def fetch(path: str) -> bytes | None:
        target = root / path
        return target.read_bytes() if target.is_file() else None

    return fetch


def all_leaves() -> list[bytes]:
    return [bytes(leaf) for leaf in Entry.objects.order_by("seq").values_list("leaf", flat=True)]


def verified_checkpoint(root: Path) -> checkpoints.Checkpoint:
    """The directory's checkpoint, its signature checked against the bank's keys as a member
    would, and every tile of it checked against its root."""
    text, _ = note.open_note((root / "checkpoint").read_text(), list(selectors.current_root().keys))
    body = checkpoints.parse(text)
    reader = fmt.TileReader(body.size, body.root, fetch_from(root))
    assert list(reader.all_entries()) == all_leaves()[: body.size]
    return body


def test_after_every_seal_a_member_verifies_the_tiles_against_the_signed_checkpoint(seal) -> None:
    for n in (3, 300, 2):
        checkpoint = seal(n)
        assert (directory() / "checkpoint").read_text() == checkpoint.note
        assert verified_checkpoint(directory()).size == checkpoint.size
    assert checkpoint.size == 305


def test_the_tiles_are_those_of_the_independent_layout(seal) -> None:
    for n in (100, 200, 300):
        seal(n)
    written = files(directory())
    expected = independent.tlog_tiles(all_leaves())
    assert {p: written[p] for p in expected} == expected
    assert independent.root_from_tiles(600, written) == bytes(selectors.latest_checkpoint().root)


def test_tiles_after_several_seals_are_the_tiles_written_from_scratch(seal, tmp_path) -> None:
    for n in (100, 200, 300, 10, 256):
        seal(n)
    incremental = files(directory())
    settings.HASHBANK_TILES_DIR = str(tmp_path / "scratch")
    tiles.publish(rebuild=True)
    scratch = files(tmp_path / "scratch")
    assert {p: incremental[p] for p in scratch} == scratch
    # What the incremental directory has besides: partial tiles older checkpoints still name.
    extra = set(incremental) - set(scratch)
    assert extra and all(".p/" in p for p in extra)
    for path in extra:
        tile = fmt.parse_path(path)
        newest = fmt.tile_width(866, tile.level, tile.index)
        assert tile.width < newest


def test_full_tiles_are_never_rewritten(seal) -> None:
    seal(600)
    full = [
        p
        for p in directory().rglob("*")
        if p.is_file() and "/tile/" in str(p) and ".p" not in str(p)
    ]
    assert len(full) == 4  # entries 000 and 001, level-0 tiles 000 and 001
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in full}
    for n in (2, 500, 3):
        seal(n)
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in full} == before
    assert tiles.publish().written == ["checkpoint"]


def test_a_partial_tile_goes_once_its_full_tile_is_there(seal) -> None:
    seal(100)
    seal(50)
    assert (directory() / "tile/0/000.p/100").exists()
    seal(200)
    assert (directory() / "tile/0/000").exists()
    assert not (directory() / "tile/0/000.p").exists()
    assert not (directory() / "tile/entries/000.p").exists()
    assert (directory() / "tile/0/001.p/94").exists()


class Crash(Exception):
    pass


def crash_on(monkeypatch, *, after: int | None = None, on: str | None = None) -> None:
    real = tiles._Writer.write
    count = {"n": 0}

    def write(self, rel, data, **kwargs):
        if rel == on or (after is not None and count["n"] == after):
            raise Crash(rel)
        count["n"] += 1
        return real(self, rel, data, **kwargs)

    monkeypatch.setattr(tiles._Writer, "write", write)


@pytest.mark.parametrize("crash", [{"on": "checkpoint"}, {"after": 3}])
def test_a_crash_mid_write_leaves_a_directory_that_agrees_with_its_checkpoint(
    seal, monkeypatch, crash
) -> None:
    first = seal(300)
    pending_signals(399)  # and a state entry: 400
    services.seal()  # committed; its tiles are written below, and crash
    crash_on(monkeypatch, **crash)
    with pytest.raises(Crash):
        tiles.publish()
    assert verified_checkpoint(directory()).size == first.size
    monkeypatch.undo()
    tiles.publish()  # the next run fills what is missing
    assert verified_checkpoint(directory()).size == 700


def test_a_seal_after_a_big_log_writes_files_for_its_batch_only(seal) -> None:
    seal(5_000)
    for k in (10, 600):
        pending_signals(k)
        services.seal()
        written = tiles.publish().written
        levels = 2  # 5,000 entries: level-0 and level-1 tiles
        assert len(written) <= 2 * (k // 256 + 2) + levels + 1
        assert written[-1] == "checkpoint"


def test_re_signing_with_nothing_pending_rewrites_the_checkpoint_file(
    seal, django_capture_on_commit_callbacks
) -> None:
    first = seal(5)
    tile = directory() / "tile/0/000.p/5"
    stat = tile.stat()
    with django_capture_on_commit_callbacks(execute=True):
        resigned = services.seal(force_sign=True)
    assert resigned.size == first.size and resigned.note != first.note
    assert (directory() / "checkpoint").read_text() == resigned.note
    assert (tile.stat().st_ino, tile.stat().st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)


def test_tiles_of_a_larger_tree_than_the_database_are_not_written_over(seal) -> None:
    seal(10)
    ahead = (directory() / "checkpoint").read_text().replace("\n10\n", "\n99\n", 1)
    (directory() / "checkpoint").write_text(ahead)
    with pytest.raises(tiles.TilesAhead):
        tiles.publish()
    assert (directory() / "checkpoint").read_text() == ahead


def test_tiles_of_another_history_are_not_written_over_once_the_database_seals_past_them(
    seal, tmp_path
) -> None:
    seal(10)
    other = tmp_path / "other-history"
    shutil.copytree(directory(), other)
    # The database is restored to before those 10 entries were sealed, and seals others.
    Entry.objects.all().delete()
    Checkpoint.objects.all().delete()
    Node.objects.all().delete()
    TreeState.objects.all().delete()
    shutil.rmtree(directory())
    shutil.copytree(other, directory())
    seal(12)
    assert (directory() / "checkpoint").read_bytes() == (other / "checkpoint").read_bytes()
    with pytest.raises(tiles.TilesAhead):
        tiles.publish()


def test_every_checkpoint_sealed_before_one_publish_gets_its_partial_tiles(
    signing_key, settings
) -> None:
    tiles_at = settings.HASHBANK_TILES_DIR
    settings.HASHBANK_TILES_DIR = ""  # two seals, tiles not yet written (as when a publish waits)
    pending_signals(2)  # and a state entry: 3
    first = services.seal()
    pending_signals(3)
    second = services.seal()
    settings.HASHBANK_TILES_DIR = tiles_at
    tiles.publish()
    root = Path(settings.HASHBANK_TILES_DIR)
    for checkpoint in (first, second):
        reader = fmt.TileReader(checkpoint.size, bytes(checkpoint.root), fetch_from(root))
        assert list(reader.all_entries()) == all_leaves()[: checkpoint.size]
    assert (root / fmt.tile_path(0, 0, 3)).exists() and (root / fmt.tile_path(0, 0, 7)).exists()


def test_ledger_tiles_command_rewrites_every_file_from_the_database(seal, capsys) -> None:
    seal(300)
    shutil.rmtree(directory())
    call_command("ledger", "tiles")
    # entries/000, entries/001.p/44, 0/000, 0/001.p/44, 1/000.p/1 and the checkpoint
    assert "6 files written" in capsys.readouterr().out
    assert verified_checkpoint(directory()).size == 300


def test_no_tiles_are_written_when_they_are_switched_off(seal, settings) -> None:
    usual = directory()
    settings.HASHBANK_TILES_DIR = ""
    seal(3)
    assert not usual.exists()
    with pytest.raises(RuntimeError, match="switched off"):
        tiles.publish()

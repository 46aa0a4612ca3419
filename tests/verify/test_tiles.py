"""member_portal/feed/tiles.py against C2SP tlog-tiles' own examples and against the independent
implementation of the layout in tests/verify/independent.py."""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest

from member_portal.feed import tiles
from tests.verify import independent


def entries(n: int) -> list[bytes]:
    return [hashlib.sha256(i.to_bytes(4, "big")).digest() + bytes(20) for i in range(n)]


@pytest.fixture(scope="module")
def log_70000() -> tuple[list[bytes], dict[str, bytes]]:
    leaves = entries(70_000)
    return leaves, independent.tlog_tiles(leaves)


def fetcher(files: dict[str, bytes]):
    return files.get


def test_tile_indexes_are_written_in_groups_of_three_digits_as_the_spec_shows() -> None:
    assert tiles.encode_index(1234067) == "x001/x234/067"
    assert tiles.tile_path(1, 1234067, 8) == "tile/1/x001/x234/067.p/8"
    assert tiles.tile_path(tiles.ENTRIES, 5) == "tile/entries/005"
    assert tiles.tile_path(0, 1000) == "tile/0/x001/000"


@pytest.mark.parametrize("index", [0, 7, 999, 1000, 65_535, 1_234_067, 10**9 + 1])
@pytest.mark.parametrize("width", [1, 112, 255, 256])
def test_tile_paths_match_the_independent_encoding_and_parse_back(index, width) -> None:
    for level in (0, 1, 5, tiles.ENTRIES):
        path = tiles.tile_path(level, index, width)
        assert path == independent.tile_name(level, index, width)
        assert tiles.parse_path(path) == tiles.Tile(level, index, width)


@pytest.mark.parametrize(
    "path",
    [
        "tile/0/1234067",  # not in groups
        "tile/0/x001/234/067",  # a group without its x
        "tile/0/x000/001",  # not canonical: a leading zero group
        "tile/0/01",
        "tile/0/001.p/0",
        "tile/0/001.p/256",
        "tile/0/001.p/007",
        "tile/0/001.p/",
        "tile/00/001",
        "tile/-1/001",
        "tile/entries/../../settings.py",
        "tile/0/../001",
        "tile/0/001/",
        "/tile/0/001",
        "tile/data/001",
        ".lock",
        "checkpoint",
        "",
    ],
)
def test_anything_outside_the_path_grammar_is_refused(path) -> None:
    with pytest.raises(tiles.TileError):
        tiles.parse_path(path)


def test_a_tree_of_70000_leaves_has_the_tiles_the_spec_lists() -> None:
    kinds = Counter((t.level, t.width) for t in tiles.tiles_for_size(70_000))
    assert kinds == {(0, 256): 273, (0, 112): 1, (1, 256): 1, (1, 17): 1, (2, 1): 1}


def test_the_tiles_of_a_size_are_those_the_independent_layout_writes(log_70000) -> None:
    _leaves, files = log_70000
    hash_paths = {p for p in files if not p.startswith("tile/entries/")}
    assert {t.path for t in tiles.tiles_for_size(70_000)} == hash_paths
    bundle_paths = {p for p in files if p.startswith("tile/entries/")}
    assert {t.path for t in tiles.bundles_for_size(70_000)} == bundle_paths


def test_a_grown_tree_adds_only_the_tiles_that_were_not_full() -> None:
    # At 69,000 leaves, level-0 tiles 0..268 are full (269 * 256 = 68,864) and so is level-1
    # tile 0 (269 level-8 hashes >= 256): none of them is written again at 70,000.
    grown = {t.path for t in tiles.tiles_for_size(70_000, start=69_000)}
    assert grown == {
        "tile/0/269",
        "tile/0/270",
        "tile/0/271",
        "tile/0/272",
        "tile/0/273.p/112",
        "tile/1/001.p/17",
        "tile/2/000.p/1",
    }


def test_bundles_and_tiles_encode_as_the_independent_implementation_does(log_70000) -> None:
    leaves, files = log_70000
    assert tiles.encode_bundle(leaves[:256]) == files["tile/entries/000"]
    assert tiles.encode_bundle(leaves[69_888:]) == files["tile/entries/273.p/112"]
    assert tiles.decode_bundle(files["tile/entries/273.p/112"], 112) == leaves[69_888:]
    hashes = tiles.decode_tile(files["tile/0/273.p/112"], 112)
    assert tiles.encode_tile(hashes) == files["tile/0/273.p/112"]


@pytest.mark.parametrize(
    "data,width",
    [(b"\x00\x34" + bytes(51), 1), (b"\x00", 1), (b"\x00\x01a", 2), (b"\x00\x01ab", 1)],
)
def test_a_malformed_bundle_is_refused(data, width) -> None:
    with pytest.raises(tiles.TileError):
        tiles.decode_bundle(data, width)


def test_a_tile_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(tiles.TileError):
        tiles.decode_tile(bytes(32 * 3), 4)


def test_the_root_recomputed_from_tiles_is_the_trees_root(log_70000) -> None:
    leaves, files = log_70000
    root = independent.mth(leaves)
    assert independent.root_from_tiles(70_000, files) == root
    assert tiles.root_from_tiles(70_000, fetcher(files)) == root
    reader = tiles.TileReader(70_000, root, fetcher(files))
    assert list(reader.all_entries()) == leaves


@pytest.mark.parametrize("size", [1, 2, 255, 256, 257, 511, 512, 600, 65_536])
def test_the_root_of_every_shape_of_tree_is_recomputed(size) -> None:
    leaves = entries(size)
    files = independent.tlog_tiles(leaves)
    assert (
        tiles.TileReader(size, independent.mth(leaves), fetcher(files)).entries(0) == leaves[:256]
    )


def test_an_older_checkpoint_reads_the_prefix_of_a_full_tile_when_its_partial_is_gone() -> None:
    leaves = entries(600)
    files = independent.tlog_tiles(leaves)
    # The log grew to 600: level-0 tile 1 is full, and tile/1/000.p/1 was replaced by .p/2,
    # so the reader recomputes that hash from the full level-0 tile 0.
    assert "tile/0/001.p/44" not in files and "tile/1/000.p/1" not in files
    old_root = independent.mth(leaves[:300])
    reader = tiles.TileReader(300, old_root, fetcher(files))
    assert list(reader.all_entries()) == leaves[:300]


def test_a_tile_that_disagrees_with_the_checkpoint_is_refused(log_70000) -> None:
    leaves, files = log_70000
    root = independent.mth(leaves)
    forged = dict(files)
    forged["tile/0/005"] = bytes(32) + files["tile/0/005"][32:]
    reader = tiles.TileReader(70_000, root, fetcher(forged))
    with pytest.raises(tiles.TileError, match="does not match"):
        reader.entries(5)
    edge = dict(files)
    edge["tile/1/001.p/17"] = bytes(32) + files["tile/1/001.p/17"][32:]
    with pytest.raises(tiles.TileError, match="root"):
        tiles.TileReader(70_000, root, fetcher(edge))


def test_an_entry_that_disagrees_with_its_tile_is_refused(log_70000) -> None:
    leaves, files = log_70000
    forged = dict(files)
    forged["tile/entries/001"] = tiles.encode_bundle([bytes(52)] + leaves[257:512])
    reader = tiles.TileReader(70_000, independent.mth(leaves), fetcher(forged))
    with pytest.raises(tiles.TileError, match="entry bundle 1"):
        reader.entries(1)


def test_a_missing_tile_is_reported() -> None:
    with pytest.raises(tiles.TileError, match="missing"):
        tiles.root_from_tiles(10, {}.get)

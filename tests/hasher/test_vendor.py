"""The vendored browser code is byte for byte what npm published (the sha256 deploy/vendor.py and
VENDOR.md record), our MD5 core is what deploy/md5_wat.py's recorded text assembles to, and
VENDOR.md names the same versions and checksums."""

from __future__ import annotations

import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
vendor = runpy.run_path(str(ROOT / "deploy" / "vendor.py"))


def test_every_vendored_file_has_its_recorded_sha256():
    assert vendor["check_committed"]() == []


def test_vendor_md_states_each_package_version_and_checksum():
    notes = (vendor["VENDOR"] / "VENDOR.md").read_text()
    for package in vendor["VENDORED"]:
        assert f"| {package.name} | {package.version} |" in notes
        assert package.integrity in notes
        for dest, digest in package.files.values():
            if not dest.rsplit("/", 1)[-1].startswith("LICENSE"):
                assert f"`{dest}`" in notes and digest in notes


def test_vendor_md_states_our_md5_cores_source_assembler_and_checksums():
    notes = (vendor["VENDOR"] / "VENDOR.md").read_text()
    wabt = vendor["WABT"]
    assert f"wabt {wabt.version}" in notes and wabt.integrity in notes
    dest, digest = vendor["MD5_WASM"]
    for value in (f"`{dest}`", digest, vendor["MD5_WAT_SHA256"], vendor["MD5_WASM_SHA256"]):
        assert value in notes

"""`python -m hashbank.hasher FILE... [-o hashes.json]`: hash files on this computer, offline.

For people who cannot or will not run JavaScript: the images never leave the computer; only the
small JSON file of hashes is uploaded to the form. File names are shown on screen but never
written into the JSON file (a name can say too much).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hashbank.hasher import document
from hashbank.hasher.hashing import hash_path

GENERATOR = "hashbank.hasher 1"
LOW_QUALITY = 50


def _describe(path: Path, entry: dict) -> str:
    if entry["kind"] == "other":
        return f"{path}: MD5 only (not an image)"
    if "error" in entry:
        return f"{path}: MD5 only (this image could not be read; it may be HEIC or damaged)"
    note = "" if entry["quality"] >= LOW_QUALITY else " (too little detail for a reliable PDQ)"
    line = f"{path}: MD5, PDQ quality {entry['quality']}{note}, pHash"
    if "quality_clipped" in entry:
        # 16-bit grey: the PDQ other tools compute for this file (docs/offline-hasher.md).
        line += f", second PDQ quality {entry['quality_clipped']}"
    return line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m hashbank.hasher",
        description="Make the hashes (PDQ, pHash, MD5) of your files, on this computer, "
        "into a small JSON file you can upload to the hashbank form.",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument(
        "-o",
        "--output",
        default="hashes.json",
        help="where to write the JSON (default hashes.json; - for stdout)",
    )
    args = parser.parse_args(argv)
    if len(args.files) > document.MAX_FILES:
        parser.error(f"at most {document.MAX_FILES} files per hash file")
    entries = []
    for path in args.files:
        if not path.is_file():
            parser.error(f"{path}: no such file")
        entry = hash_path(path)
        entries.append(entry)
        print(_describe(path, entry), file=sys.stderr)
    data = document.dumps(document.build(entries, GENERATOR))
    if args.output == "-":
        sys.stdout.buffer.write(data)
    else:
        Path(args.output).write_bytes(data)
        print(f"Wrote {args.output}: upload this file to the form.", file=sys.stderr)
    return 0

"""`python -m hashbank.hasher FILE... [-o hashes.json]`: hash files on this computer, offline.

For people who cannot or will not run JavaScript: the images never leave the computer. The
hasher writes the JSON document of hashes to a file and prints it as one line of text, which the
person pastes into the form (no page takes a file, so a photo cannot be sent by mistake). File
names are shown on screen but never written into the JSON (a name can say too much).
"""

from __future__ import annotations

import argparse
import json
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


PASTE_THIS = (
    'Copy the whole line below (it starts with {"format") and paste it into the box on the '
    "form. It contains only fingerprints, never the images:"
)


def paste_text(built: dict) -> str:
    """The document as the one line the no-JavaScript form takes (the file parses the same)."""
    return json.dumps(built, separators=(",", ":"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        # `hashbank-hasher` once installed from its wheel (hasher/), else run from a checkout.
        prog="hashbank-hasher"
        if Path(sys.argv[0]).name == "hashbank-hasher"
        else "python -m hashbank.hasher",
        description="Make the hashes (PDQ, pHash, MD5) of your files, on this computer, "
        "into a small JSON file, and print it as text to paste into the hashbank form.",
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
    built = document.build(entries, GENERATOR)
    data = document.dumps(built)
    if args.output == "-":
        sys.stdout.buffer.write(data)
        return 0
    Path(args.output).write_bytes(data)
    print(f"Wrote {args.output} (the same text, kept for later).", file=sys.stderr)
    print(PASTE_THIS, file=sys.stderr, flush=True)
    # One line, so that selecting it copies all of it; the instructions go to stderr, so that
    # `python -m hashbank.hasher ... > pasted.txt` keeps only the text to paste.
    print(paste_text(built), flush=True)
    return 0

"""Build the `hashbank-hasher` wheel into a directory and print its name and sha256.

    python hasher/build_wheel.py [OUT_DIR]      (default: dist/; `make hasher-dist` runs this)

It builds from a copy of only the files the wheel carries, so setuptools' build/ and egg-info never
land in the working tree. Standard library only; pip must be importable by this Python (setuptools and wheel too, or
pip fetches them).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = (
    "hasher/pyproject.toml",
    "hasher/setup.py",
    "hasher/README.md",
    "hashbank/__init__.py",
    "hashbank/hasher/__init__.py",
    "hashbank/hasher/__main__.py",
    "hashbank/hasher/cli.py",
    "hashbank/hasher/document.py",
    "hashbank/hasher/hashing.py",
    "member_portal/__init__.py",
    "member_portal/imaging.py",
    "member_portal/pdq.py",
)


def _isolation() -> list[str]:
    # With setuptools and wheel in this Python (make's venv), build offline with them; else (a
    # Python 3.12+ venv has no setuptools) pip fetches them into an isolated build environment.
    have = all(importlib.util.find_spec(name) for name in ("setuptools", "wheel"))
    return ["--no-build-isolation"] if have else []


def build(out_dir: Path) -> Path:
    """The built wheel's path in `out_dir` (an older build of the same version is replaced)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        for name in SOURCES:
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / name, src / name)
        wheels = Path(tmp) / "wheels"
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", *_isolation()]
            + ["-w", str(wheels), str(src / "hasher")],
            check=True,
            timeout=300,
            # Fixed timestamps inside the zip: the same sources give the same sha256.
            env={
                **os.environ,
                "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "315532800"),
            },
        )
        (built,) = wheels.glob("hashbank_hasher-*-py3-none-any.whl")
        target = out_dir / built.name
        shutil.copyfile(built, target)
    return target


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "dist"
    wheel = build(out)
    print(wheel)
    print(f"sha256 {sha256_of(wheel)}  {wheel.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Build the `hashbank-hasher` wheel into a directory and print its name and sha256.

    python hasher/build_wheel.py [OUT_DIR]      (default: dist/; `make hasher-dist` runs this,
                                                 and so does deploy/Dockerfile)

It builds from a copy of only the files the wheel carries, so setuptools' build/ and egg-info never
land in the working tree. Reproducible: fixed timestamps (SOURCE_DATE_EPOCH), file modes 0644, and
the build tools of hasher/build-requirements.txt, whose versions the wheel records: taken from this
Python when it has exactly those (offline), else fetched by pip into an isolated build environment.
Standard library only; pip must be importable by this Python.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD_REQUIREMENTS = ROOT / "hasher" / "build-requirements.txt"
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


def pinned_tools() -> dict[str, str]:
    """{name: version} of hasher/build-requirements.txt."""
    pins = {}
    for line in BUILD_REQUIREMENTS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.strip()] = version.strip()
    return pins


def _installed(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def _isolation() -> tuple[list[str], dict[str, str]]:
    """pip's arguments and environment for the build: this Python's own tools when they are the
    pinned versions (offline), else an isolated build environment with exactly those (PIP_CONSTRAINT
    is what pip before 25.3 applies to build environments, PIP_BUILD_CONSTRAINT pip 25.3 and
    later)."""
    pins = pinned_tools()
    if all(_installed(name) == version for name, version in pins.items()):
        return ["--no-build-isolation"], {}
    pinned = str(BUILD_REQUIREMENTS)
    return [], {"PIP_CONSTRAINT": pinned, "PIP_BUILD_CONSTRAINT": pinned}


def build(out_dir: Path) -> Path:
    """The built wheel's path in `out_dir` (an older build of the same version is replaced)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        for name in SOURCES:
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / name, src / name)
            (src / name).chmod(0o644)  # the zip records modes: not the builder's umask
        wheels = Path(tmp) / "wheels"
        arguments, tools = _isolation()
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", *arguments]
            + ["-w", str(wheels), str(src / "hasher")],
            check=True,
            timeout=300,
            # Fixed timestamps inside the zip: the same sources give the same sha256.
            env={
                **os.environ,
                **tools,
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

"""deploy/Dockerfile's steps, replayed without Docker (its registry need not be reachable).

    .venv/bin/python deploy/image_check.py [--keep DIR]

Reads the Dockerfile and checks what it says: no compiler among Debian packages, `--only-binary`
on every `pip install`, the offline hasher's wheel built by the command `make hasher-dist` runs
(`hasher/build_wheel.py`) into the directory HASHBANK_HASHER_DIST_DIR names. Then it replays
the steps in a scratch directory: ENV into the environment, WORKDIR and COPY under a scratch
root (absolute paths such as /opt/hashbank mapped below it), every RUN command with a fresh venv
of this Python first on PATH and CC/CXX set to `false`, so any build of C or C++ fails; the
commands that need root in the image (useradd, chown, apt-get) are skipped and listed. Last, it
checks that the wheel the replay built has the same sha256 as `hasher/build_wheel.py` run by this
Python (what `make hasher-dist` does), that the bank, started with the image's environment,
serves that wheel, and `pip check`.

What it does not check: the base image itself (its Python is 3.11 like the one replaying, if
this is run with 3.11; the check says when it is not), the skipped root steps, and the zlib
under the image's Python (a different zlib could compress the same wheel to other bytes; this
machine's is printed). Exits non-zero on any problem. Needs PyPI (or a mirror pip is set up for).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
MAKEFILE = ROOT / "Makefile"
BUILD_WHEEL = "hasher/build_wheel.py"
COMPILERS = {"g++", "gcc", "cc", "c++", "clang", "build-essential", "make", "cmake", "gfortran"}
# Commands of the image's RUN steps that need root (or Debian) and change nothing the check reads.
ROOT_ONLY = ("useradd", "chown", "apt-get", "rm -rf /var/lib/apt")
# Absolute paths in the image: mapped under the scratch root by the replay.
IMAGE_PREFIXES = ("/opt/", "/var/lib/", "/etc/hashbank")


@dataclass(frozen=True)
class Step:
    instruction: str
    argument: str


def parse(text: str) -> list[Step]:
    """The Dockerfile's instructions, continuation lines joined, comments left out."""
    steps, pending = [], ""
    for line in text.splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        instruction, _, argument = (pending + line).strip().partition(" ")
        steps.append(Step(instruction.upper(), " ".join(argument.split())))
        pending = ""
    return steps


def image_env(steps: list[Step]) -> dict[str, str]:
    env = {}
    for step in steps:
        if step.instruction == "ENV":
            for pair in shlex.split(step.argument):
                key, _, value = pair.partition("=")
                env[key] = value
    return env


def commands(steps: list[Step]) -> list[str]:
    """Every shell command of the RUN steps, split at `&&`."""
    return [
        part.strip()
        for step in steps
        if step.instruction == "RUN"
        for part in step.argument.split("&&")
    ]


def makefile_recipe(text: str, target: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{target}:"))
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return recipe


def problems(steps: list[Step], makefile: str) -> list[str]:
    """What the Dockerfile gets wrong, read without running it."""
    found = []
    for command in commands(steps):
        words = shlex.split(command)
        if words[:1] == ["apt-get"] and "install" in words:
            if compilers := sorted(COMPILERS & set(words)):
                found.append(f"apt-get installs a compiler: {', '.join(compilers)}")
        if "pip" in words and "install" in words and "--only-binary=:all:" not in words:
            found.append(f"pip install without --only-binary=:all: (could compile): {command}")
    dist_dir = image_env(steps).get("HASHBANK_HASHER_DIST_DIR")
    if not dist_dir:
        found.append("no ENV HASHBANK_HASHER_DIST_DIR: the bank would look for the wheel elsewhere")
    builds = [shlex.split(c) for c in commands(steps) if BUILD_WHEEL in c]
    if not builds:
        found.append(f"no RUN step builds the offline hasher's wheel ({BUILD_WHEEL})")
    for words in builds:
        out = words[words.index(BUILD_WHEEL) + 1 :]
        if out not in (["$HASHBANK_HASHER_DIST_DIR"], [dist_dir]):
            found.append(f"the wheel is built into {out}, not HASHBANK_HASHER_DIST_DIR")
    made = [line for line in makefile_recipe(makefile, "hasher-dist") if BUILD_WHEEL in line]
    if not made:
        found.append(f"`make hasher-dist` no longer runs {BUILD_WHEEL}: compare the two builds")
    copied = {
        part.strip("./")
        for step in steps
        if step.instruction == "COPY"
        for part in step.argument.split()[:-1]
    }
    if "hasher" not in copied:
        found.append("hasher/ is not copied into the image: the wheel cannot be built there")
    return found


def _mapped(text: str, root: Path) -> str:
    for prefix in IMAGE_PREFIXES:
        text = re.sub(rf"(?<![\w/]){re.escape(prefix)}", f"{root}{prefix}", text)
    return text


def replay(steps: list[Step], scratch: Path) -> tuple[dict[str, str], list[str]]:
    """Run the steps under `scratch`; the environment the image ends with, and what was skipped."""
    root = scratch / "root"
    venv = scratch / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    env = {key: os.environ[key] for key in ("HOME", "LANG", "TMPDIR") if key in os.environ}
    env.update(
        PATH=f"{venv / 'bin'}:/usr/bin:/bin",
        CC="false",
        CXX="false",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    for key in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_CONFIG_FILE"):
        if key in os.environ:
            env[key] = os.environ[key]
    workdir, skipped = root, []
    for step in steps:
        if step.instruction == "ENV":
            env.update({k: _mapped(v, root) for k, v in image_env([step]).items()})
        elif step.instruction == "WORKDIR":
            workdir = Path(_mapped(step.argument, root))
            workdir.mkdir(parents=True, exist_ok=True)
        elif step.instruction == "COPY":
            *sources, target = step.argument.split()
            for source in sources:
                destination = workdir / target if not target.startswith("/") else root / target
                if (ROOT / source).is_dir():
                    shutil.copytree(
                        ROOT / source,
                        destination,
                        dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
                    )
                else:
                    destination.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(ROOT / source, destination / Path(source).name)
        elif step.instruction == "RUN":
            for command in commands([step]):
                if command.startswith(ROOT_ONLY):
                    skipped.append(command)
                    continue
                print(f"RUN {command}", flush=True)
                subprocess.run(
                    ["bash", "-ec", _mapped(command, root)],
                    cwd=workdir,
                    env=env,
                    check=True,
                    timeout=1800,
                )
    env["WORKDIR"] = str(workdir)
    return env, skipped


def _load_build_wheel():
    spec = importlib.util.spec_from_file_location("build_wheel", ROOT / BUILD_WHEEL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check(scratch: Path) -> list[str]:
    steps = parse(DOCKERFILE.read_text())
    found = problems(steps, MAKEFILE.read_text())
    if found:
        return found
    base = next(s.argument for s in steps if s.instruction == "FROM")
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    if f"python:{here}" not in base:
        print(f"note: the image is {base}; this replay runs Python {here}")
    env, skipped = replay(steps, scratch)
    for command in skipped:
        print(f"skipped (needs root in the image): {command}")
    served_dir = Path(env["HASHBANK_HASHER_DIST_DIR"])
    built = sorted(served_dir.glob("hashbank_hasher-*-py3-none-any.whl"))
    if len(built) != 1:
        return [f"the replay left {len(built)} wheels in HASHBANK_HASHER_DIST_DIR"]
    build_wheel = _load_build_wheel()
    with tempfile.TemporaryDirectory() as tmp:
        reference = build_wheel.build(Path(tmp))  # what `make hasher-dist` does
        expected = build_wheel.sha256_of(reference)
    image = hashlib.sha256(built[0].read_bytes()).hexdigest()
    print(f"wheel in the image:      {image}  {built[0].name}")
    print(f"make hasher-dist builds: {expected}  (zlib {zlib.ZLIB_RUNTIME_VERSION})")
    if image != expected:
        found.append("the image's wheel differs from what `make hasher-dist` builds")
    served = subprocess.run(
        [
            "python",
            "-c",
            "import django; django.setup(); from hashbank.submissions import hasher_download; "
            "w = hasher_download.current(); print(w.sha256 if w else 'none')",
        ],
        cwd=env["WORKDIR"],
        env={**env, "DJANGO_SETTINGS_MODULE": "hashbank.settings", "SECRET_KEY": "check-only"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if served.returncode != 0 or served.stdout.strip() != image:
        found.append(
            f"the bank in the image does not serve that wheel: {served.stdout}{served.stderr}"
        )
    pip_check = subprocess.run(
        ["python", "-m", "pip", "check"], env=env, capture_output=True, text=True, timeout=300
    )
    if pip_check.returncode != 0:
        found.append(f"pip check: {pip_check.stdout}{pip_check.stderr}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, help="replay into this directory and keep it")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        found = check(args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="hashbank-image-check-") as tmp:
            found = check(Path(tmp))
    for problem in found:
        print(f"PROBLEM: {problem}")
    print("image check: " + ("failed" if found else "ok"))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

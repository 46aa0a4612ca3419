"""deploy/Dockerfile builds the image without a compiler and builds the offline hasher's wheel, the
same bytes as `make hasher-dist`, where HASHBANK_HASHER_DIST_DIR points. Docker's registry is not
reachable here, so deploy/image_check.py reads the Dockerfile and replays its steps in a scratch
venv (with CC and CXX set to `false`); these tests run it."""

from __future__ import annotations

import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
check = runpy.run_path(str(ROOT / "deploy" / "image_check.py"))
parse, problems = check["parse"], check["problems"]
MAKEFILE = (ROOT / "Makefile").read_text()
GOOD = (ROOT / "deploy" / "Dockerfile").read_text()
# The Dockerfile before issue 14's last bullets: g++ for pdqhash, and no offline hasher's wheel.
BEFORE = """FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HASHBANK_VAR_DIR=/var/lib/hashbank
RUN apt-get update && apt-get install -y --no-install-recommends g++ gettext \\
    && rm -rf /var/lib/apt/lists/* && useradd --system --home /opt/hashbank hashbank
WORKDIR /opt/hashbank
COPY pyproject.toml README.md manage.py ./
COPY hashbank ./hashbank
COPY member_portal ./member_portal
COPY deploy ./deploy
RUN pip install --no-cache-dir . && mkdir -p /var/lib/hashbank && chown hashbank /var/lib/hashbank
RUN HASHBANK_ENV=embedded SECRET_KEY=build-only python manage.py collectstatic --no-input
USER hashbank
"""


def test_the_dockerfile_needs_no_compiler_and_builds_the_wheel_where_the_bank_serves_it():
    assert problems(parse(GOOD), MAKEFILE) == []


def test_the_wheel_is_built_with_the_command_make_hasher_dist_runs():
    recipe = check["makefile_recipe"](MAKEFILE, "hasher-dist")
    assert recipe == ["$(PY) hasher/build_wheel.py dist"]
    assert 'RUN python hasher/build_wheel.py "$HASHBANK_HASHER_DIST_DIR"' in GOOD
    assert check["image_env"](parse(GOOD))["HASHBANK_HASHER_DIST_DIR"] == "/opt/hashbank/dist"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            ("RUN useradd", "RUN apt-get install -y g++ gettext && useradd"),
            "apt-get installs a compiler: g++",
        ),
        (("--only-binary=:all: ", ""), "pip install without --only-binary=:all:"),
        (('build_wheel.py "$HASHBANK_HASHER_DIST_DIR"', "build_wheel.py dist"), "built into"),
        (
            ("    HASHBANK_HASHER_DIST_DIR=/opt/hashbank/dist", ""),
            "no ENV HASHBANK_HASHER_DIST_DIR",
        ),
        (("COPY hasher ./hasher\n", ""), "hasher/ is not copied"),
        (('RUN python hasher/build_wheel.py "$HASHBANK_HASHER_DIST_DIR"\n', ""), "no RUN step"),
    ],
)
def test_the_check_finds_a_compiler_a_source_build_or_a_wheel_in_the_wrong_place(change, problem):
    old, new = change
    assert old in GOOD
    broken = GOOD.replace(old, new).replace(" \\\n\n", "\n")
    found = problems(parse(broken), MAKEFILE)
    assert any(problem in line for line in found), found


def test_the_image_that_installed_g_plus_plus_fails_the_check():
    found = problems(parse(BEFORE), MAKEFILE)
    assert "apt-get installs a compiler: g++" in found
    assert any("no RUN step builds" in line for line in found)
    assert any("HASHBANK_HASHER_DIST_DIR" in line for line in found)


@pytest.mark.slow
def test_the_dockerfiles_steps_replayed_in_a_scratch_venv_install_from_wheels_and_serve_the_wheel():
    """From PyPI: every runtime dependency, as `pip install .` in the image does."""
    run = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "image_check.py")],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert run.stdout.rstrip().endswith("image check: ok")
    image = re.search(r"^wheel in the image: +([0-9a-f]{64})", run.stdout, re.M)[1]
    made = re.search(r"^make hasher-dist builds: ([0-9a-f]{64})", run.stdout, re.M)[1]
    assert image == made

"""toolkit/pyproject.toml builds `hashbank-member`: the feed formats, verifier, client and
threatexchange extension, nothing of Django; it installs and runs in a fresh venv without Django."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WANTED = {
    "member_portal/__init__.py",
    "member_portal/verify.py",
    "member_portal/imaging.py",
    "member_portal/pdq.py",
    "member_portal/client/cli.py",
    "member_portal/feed/wire.py",
    "member_portal/feed/tiles.py",
    "member_portal/feed/cosignature.py",
    "member_portal/feed/policy.py",
    "member_portal/tx_extension/api.py",
}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    # Build from a copy, so setuptools' build/ and egg-info never land in the working tree.
    src = tmp_path_factory.mktemp("src")
    shutil.copytree(ROOT / "toolkit", src / "toolkit")
    shutil.copytree(
        ROOT / "member_portal", src / "member_portal", ignore=shutil.ignore_patterns("__pycache__")
    )
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(out),
            str(src / "toolkit"),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (path,) = out.glob("hashbank_member-*.whl")
    return path


@pytest.mark.slow
def test_wheel_holds_the_toolkit_and_nothing_of_django(wheel):
    names = {n for n in zipfile.ZipFile(wheel).namelist() if not n.startswith("hashbank_member-")}
    assert WANTED <= names
    packages = {n.rsplit("/", 1)[0] for n in names}
    assert packages == {
        "member_portal",
        "member_portal/feed",
        "member_portal/client",
        "member_portal/tx_extension",
    }
    top_level = {n for n in names if n.count("/") == 1}
    assert top_level == {
        "member_portal/__init__.py",
        "member_portal/verify.py",
        "member_portal/imaging.py",
        "member_portal/pdq.py",  # the numpy PDQ imaging.py uses (no pdqhash, no compiler)
    }
    for name in names:
        source = zipfile.ZipFile(wheel).read(name)
        for banned in (b"django", b"hashbank", b"rest_framework"):
            assert b"import " + banned not in source and b"from " + banned not in source, name


@pytest.mark.slow
def test_wheel_installs_in_a_fresh_venv_without_django_and_runs(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(wheel)],
        check=True,
        capture_output=True,
        timeout=600,
    )

    help_run = subprocess.run(
        [str(python), "-m", "member_portal.client", "--help"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    django = subprocess.run(
        [str(python), "-c", "import django"], capture_output=True, cwd=tmp_path, timeout=60
    )

    assert help_run.returncode == 0, help_run.stderr
    assert "sync" in help_run.stdout and "Exit codes" in help_run.stdout
    assert django.returncode != 0

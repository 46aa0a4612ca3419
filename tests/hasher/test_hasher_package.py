"""hasher/ builds `hashbank-hasher`: a pure-Python wheel of the offline hasher alone (no Django,
no pdqhash). Served by the bank, installed from wheels only into a fresh venv, its command's text
is accepted by the no-JavaScript form."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
import pytest
from django.test import Client
from PIL import Image

from hashbank.cases.models import Case
from hashbank.hasher.hashing import hash_path

ROOT = Path(__file__).resolve().parents[2]
# hasher/build_wheel.py is what `make hasher-dist` runs; loaded from its file (not a package).
_spec = importlib.util.spec_from_file_location("build_wheel", ROOT / "hasher" / "build_wheel.py")
build_wheel = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_wheel)
build = build_wheel.build

MODULES = {
    "hashbank/__init__.py",
    "hashbank/hasher/__init__.py",
    "hashbank/hasher/__main__.py",
    "hashbank/hasher/cli.py",
    "hashbank/hasher/document.py",
    "hashbank/hasher/hashing.py",
    "member_portal/__init__.py",
    "member_portal/imaging.py",
    "member_portal/pdq.py",
}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh venv with the wheel, every dependency from a wheel: the `hashbank-hasher` command."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--only-binary=:all:"]
        + [str(wheel)],
        check=True,
        capture_output=True,
        timeout=900,
    )
    return venv / "bin"


@pytest.mark.slow
def test_the_wheel_is_pure_python_and_holds_the_hasher_and_nothing_of_django(wheel):
    assert wheel.name == "hashbank_hasher-1.0.0-py3-none-any.whl"
    archive = zipfile.ZipFile(wheel)
    names = {n for n in archive.namelist() if ".dist-info/" not in n}
    assert names == MODULES
    for name in names:
        source = archive.read(name)
        for banned in (b"django", b"pdqhash", b"rest_framework", b"hashbank.core"):
            assert b"import " + banned not in source and b"from " + banned not in source, name
    metadata = archive.read("hashbank_hasher-1.0.0.dist-info/METADATA").decode()
    requires = sorted(re.findall(r"^Requires-Dist: ([A-Za-z]+)", metadata, re.M))
    assert requires == ["ImageHash", "Pillow", "numpy"]
    entry_points = archive.read("hashbank_hasher-1.0.0.dist-info/entry_points.txt").decode()
    assert "hashbank-hasher = hashbank.hasher.cli:main" in entry_points


@pytest.mark.slow
def test_two_builds_of_the_same_sources_have_the_same_checksum(wheel, tmp_path):
    again = build(tmp_path)
    assert (
        hashlib.sha256(again.read_bytes()).digest() == hashlib.sha256(wheel.read_bytes()).digest()
    )


@pytest.mark.slow
def test_the_served_wheel_installs_from_wheels_only_and_its_text_is_accepted_by_the_form(
    db, wheel, installed, tmp_path, settings
):
    settings.HASHBANK_HASHER_DIST_DIR = str(wheel.parent)
    client = Client()
    # What a person does: read the checksum on the page, download the file, check it.
    page = client.get("/submit/").content.decode()
    shown = re.search(r'<code class="checksum">([0-9a-f]{64})</code>', page)[1]
    served = b"".join(client.get(f"/offline-hasher/{wheel.name}").streaming_content)
    assert (
        hashlib.sha256(served).hexdigest()
        == shown
        == hashlib.sha256(wheel.read_bytes()).hexdigest()
    )

    rng = np.random.default_rng(15)
    photo = tmp_path / "photo.png"
    Image.fromarray(rng.integers(0, 256, (240, 320, 3), dtype=np.uint8)).save(photo)
    run = subprocess.run(
        [str(installed / "hashbank-hasher"), str(photo), "-o", str(tmp_path / "hashes.json")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    text = run.stdout.strip()
    assert text.startswith('{"format":"hashbank-hashes"')
    no_django = subprocess.run([str(installed / "python"), "-c", "import django"], cwd=tmp_path)
    assert no_django.returncode != 0

    # The installed hasher hashes as the repository's does (which tests/hasher/test_parity.py
    # holds to the pdqhash reference), and the form takes its text.
    (entry,) = json.loads(text)["files"]
    assert entry == hash_path(photo)
    body = urlencode({"adult": "yes", "depicted": "yes", "consent": "yes", "hashes": text})
    response = client.post(
        "/submit/offline/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 201, response.content.decode()[:500]
    case = Case.objects.get()
    held = sorted(case.case_signals.values_list("signal__signal_type", "signal__value"))
    assert held == sorted([("md5", entry["md5"]), ("pdq", entry["pdq"])])

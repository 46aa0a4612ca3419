"""The third-party browser code served from our own origin (no CDN): fetch it again from npm and
check it, or check what is committed. `make vendor` runs the first, CI's tests the second. Our own
MD5 core (deploy/md5_wat.py's WebAssembly text) is assembled here too, by the pinned wabt's
wat2wasm from npm, so anyone rebuilds the same bytes.

    python deploy/vendor.py           # npm pack each package, check its sha512 integrity and each
                                      # file's sha256, copy the files into static/.../vendor/
    python deploy/vendor.py --check   # only check the committed files' sha256 (no network)

A version bump is deliberate: change VENDORED (version, integrity, sha256) and
hashbank/submissions/static/hashbank/vendor/VENDOR.md together, then run it.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import runpy
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
VENDOR = DEPLOY.parent / "hashbank/submissions/static/hashbank/vendor"


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    integrity: str  # npm's dist.integrity of the tarball
    files: dict[str, tuple[str, str]]  # path in the tarball -> (path under VENDOR, sha256)


VENDORED = [
    Package(
        "hash-wasm",
        "4.13.0",
        "sha512-GrWl7wsV46fKIXQZB5ebskLZLAmKL6d9RS0fspCxDeQyjoNu1AfTJTMLPOJyfzaQm0ldFiwFN21/w+sE/kgEFQ==",
        {
            "package/dist/md5.umd.min.js": (
                "hash-wasm/md5.umd.min.js",
                "b437f79fefe54646bd742029aed6f8905e0afd9d4136d932df76ee2549100008",
            ),
            "package/LICENSE": (
                "hash-wasm/LICENSE",
                "c14dea172f72f2714284a0ac2ab1b00b5352a01409d58255a46227ffc541debd",
            ),
        },
    ),
    Package(
        "libheif-js",
        "1.23.2",
        "sha512-qvHIXtggEsw1lCNCWBYKloL2Z36DJBm0R9ThGiH2JnhKYdeZFLPFkP30Lw4yMskxxhx0bKg1gLrBHX1D2w2pSw==",
        {
            "package/libheif-wasm/libheif-bundle.mjs": (
                "libheif-js/libheif-bundle.mjs",
                "d05292271af008d300cc75be374feb8fd35b418a71420a556c3fb817f662b502",
            ),
            "package/LICENSE": (
                "libheif-js/LICENSE",
                "e3a994d82e644b03a792a930f574002658412f62407f5fee083f2555c5f23118",
            ),
            "package/libheif-wasm/LICENSE": (
                "libheif-js/LICENSE.libheif",
                "fa81ce652315b013359d6e8e4744335f31a50c7c192907176d3632f78a3b4596",
            ),
        },
    ),
]


# The assembler of our MD5 core, and what it makes: the module's bytes, base64 in an ES module
# (the worker imports it like hash-wasm's inlined wasm: no fetch, and the manifest storage's
# import rewriting and the offline page keep working).
WABT = Package(
    "wabt",
    "1.0.39",
    "sha512-ba+dRL/75VQQY7RkU/CgriGbkoWAfS8TDyUlJfJhJ8KhtXgMl5dhNvoPNUcQ9IWRhW8u41glMSuZeTvsYq2rRg==",
    {},
)
MD5_WAT_SHA256 = "462b764a2563e22f752fd5ece848b6ce083c392cc1942d507035aab5320ed648"
MD5_WASM = (  # (path under VENDOR, sha256)
    "md5-wat/md5-wasm.js",
    "9ac2f1a67f57a6be8452c72e8a774f6c7ddf808f5e9164d4ba3bfec335672fca",
)
MD5_WASM_SHA256 = "b7223bb1ace5521b72b831164db91e88130c65d251122aa190489299dd0205b3"


def md5_wat() -> str:
    return runpy.run_path(str(DEPLOY / "md5_wat.py"))["wat"]()


def md5_wasm_module(wasm: bytes) -> bytes:
    """The ES module that carries the assembled bytes."""
    return (
        "// MD5 in WebAssembly: deploy/md5_wat.py's text assembled by wabt "
        f"{WABT.version}'s wat2wasm\n"
        f"// (deploy/vendor.py). The module's sha256: {sha256(wasm)}.\n"
        f'export default "{base64.b64encode(wasm).decode()}";\n'
    ).encode()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_committed() -> list[str]:
    """Every vendored file present with its recorded sha256: the list of problems."""
    problems = []
    for package in VENDORED:
        for dest, digest in package.files.values():
            path = VENDOR / dest
            if not path.is_file():
                problems.append(f"{dest}: missing")
            elif sha256(path.read_bytes()) != digest:
                problems.append(f"{dest}: sha256 differs from {package.name}@{package.version}'s")
    if sha256(md5_wat().encode()) != MD5_WAT_SHA256:
        problems.append("deploy/md5_wat.py: its text changed; run `make vendor`, record the sha256")
    dest, digest = MD5_WASM
    if not (VENDOR / dest).is_file() or sha256((VENDOR / dest).read_bytes()) != digest:
        problems.append(f"{dest}: missing, or its sha256 is not the recorded one")
    return problems


def assemble_md5(tmp: Path) -> None:
    """Assemble md5_wat.py's text with the pinned wabt, check the bytes, write the module."""
    tarball = pack(WABT, tmp)
    with tarfile.open(fileobj=io.BytesIO(tarball)) as tar:
        (tmp / "wat2wasm.js").write_bytes(tar.extractfile("package/bin/wat2wasm").read())
    text = md5_wat()
    if sha256(text.encode()) != MD5_WAT_SHA256:
        sys.exit("deploy/md5_wat.py's text is not the recorded one: record its new sha256")
    (tmp / "md5.wat").write_text(text)
    subprocess.run(
        ["node", str(tmp / "wat2wasm.js"), str(tmp / "md5.wat"), "-o", str(tmp / "md5.wasm")],
        check=True,
    )
    wasm = (tmp / "md5.wasm").read_bytes()
    module = md5_wasm_module(wasm)
    if sha256(wasm) != MD5_WASM_SHA256 or sha256(module) != MD5_WASM[1]:
        sys.exit(f"md5.wasm: sha256 {sha256(wasm)} is not the recorded one; nothing written")
    (VENDOR / MD5_WASM[0]).parent.mkdir(parents=True, exist_ok=True)
    (VENDOR / MD5_WASM[0]).write_bytes(module)
    print(f"md5-wat: assembled by wabt@{WABT.version}, sha256 as recorded, written")


def pack(package: Package, tmp: Path) -> bytes:
    """`npm pack` of the package: its tarball, after checking npm's integrity."""
    spec = f"{package.name}@{package.version}"
    out = subprocess.run(
        ["npm", "pack", "--silent", spec, "--pack-destination", str(tmp)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[-1]
    tarball = (tmp / out).read_bytes()
    algo, _, want = package.integrity.partition("-")
    got = base64.b64encode(hashlib.new(algo, tarball).digest()).decode()
    if got != want:
        sys.exit(f"{spec}: the tarball's {algo} is not the recorded integrity; nothing copied")
    return tarball


def fetch(package: Package, tmp: Path) -> None:
    spec = f"{package.name}@{package.version}"
    tarball = pack(package, tmp)
    with tarfile.open(fileobj=io.BytesIO(tarball)) as tar:
        for member, (dest, digest) in package.files.items():
            data = tar.extractfile(member).read()
            if sha256(data) != digest:
                sys.exit(f"{spec}: {member}'s sha256 is not the recorded one; nothing copied")
            (VENDOR / dest).parent.mkdir(parents=True, exist_ok=True)
            (VENDOR / dest).write_bytes(data)
    print(f"{spec}: {len(package.files)} files checked and copied")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="check the committed files only")
    args = parser.parse_args()
    if not args.check:
        with tempfile.TemporaryDirectory() as tmp:
            for package in VENDORED:
                fetch(package, Path(tmp))
            assemble_md5(Path(tmp))
    problems = check_committed()
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        sys.exit(1)
    print("vendored files: all sha256 as recorded")


if __name__ == "__main__":
    main()

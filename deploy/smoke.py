"""Smoke test of a running hashbank: health, readiness (worker answering), the home page, a victim
submission sealed by the Celery worker, a member's authenticated pull of the new checkpoint, and
the public tlog-tiles read path (/log/): the checkpoint's root recomputed from its tiles.

    python deploy/smoke.py http://127.0.0.1:8765 --member-token-file token.txt [--log-base URL]
"""

from __future__ import annotations

import argparse
import base64
import json
import secrets
import sys
import time
import urllib.error
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from member_portal.feed import tiles  # noqa: E402  (standard library only, like this script)

# The addresses the smoke test's person comes from, as a trusted proxy reports them
# (local-production.sh trusts 127.0.0.1): what a leaked client address looks like in the logs
# (deploy/log_scan.py). Documentation ranges: TEST-NET-3 and 2001:db8::/32.
PERSON_ADDRESSES = ("203.0.113.77", "2001:db8:77::1")
# Everything the smoke test sent that no log may contain; written with --secrets-out.
SENT: list[str] = list(PERSON_ADDRESSES)


def fetch(
    url: str, *, data: bytes | None = None, headers: dict | None = None, via: int = 0
) -> tuple[int, dict, bytes]:
    headers = {"X-Forwarded-For": PERSON_ADDRESSES[via % 2], **(headers or {})}
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def check(condition: bool, what: str) -> None:
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        sys.exit(1)


def checkpoint_size(base: str, token: str, *, first: bool = False) -> int:
    """The latest checkpoint's size; with `first`, 0 while a fresh bank has sealed nothing yet
    (404 no_checkpoint: firststart makes keys, not checkpoints)."""
    status, _, body = fetch(
        f"{base}/api/v1/checkpoint", headers={"Authorization": f"Bearer {token}"}
    )
    if first and status == 404 and b"no_checkpoint" in body:
        print("ok   no checkpoint yet (a fresh bank)")
        return 0
    check(status == 200, f"member pulls the latest checkpoint (HTTP {status})")
    return int(body.decode().splitlines()[1])


def submit(base: str) -> dict:
    status, headers, _ = fetch(f"{base}/submit/")
    cookie = SimpleCookie(headers.get("Set-Cookie", ""))
    check(status == 200 and "csrftoken" in cookie, "the submission page sets a CSRF cookie")
    csrf = cookie["csrftoken"].value
    payload = {
        "hashes": [
            {"type": "md5", "value": secrets.token_hex(16)},
            {"type": "pdq", "value": secrets.token_hex(32), "quality": 90},
        ],
        "attestations": {"adult": True, "depicted": True, "consent": True},
    }
    status, _, body = fetch(
        f"{base}/api/v1/submissions",
        data=json.dumps(payload).encode(),
        headers={
            "Content-Type": "application/json",
            "X-CSRFToken": csrf,
            "Cookie": f"csrftoken={csrf}",
            "Referer": f"{base}/submit/",
        },
    )
    check(status == 201, f"a submission is accepted (HTTP {status}: {body[:200]!r})")
    result = json.loads(body)
    SENT.extend(item["value"] for item in payload["hashes"])
    SENT.extend([result["case_number"], result["pin"]])
    for via, pin in ((1, result["pin"]), (0, "0000-0000-0000")):
        status, _, _ = fetch(
            f"{base}/api/v1/cases/status",
            data=json.dumps({"case_number": result["case_number"], "pin": pin}).encode(),
            headers={
                "Content-Type": "application/json",
                "X-CSRFToken": csrf,
                "Cookie": f"csrftoken={csrf}",
                "Referer": f"{base}/submit/",
            },
            via=via,
        )
        check(status in (200, 403), f"the person checks the case's status (HTTP {status})")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--member-token-file", required=True)
    parser.add_argument(
        "--log-base", help="where /log/ is served, if not at BASE (e.g. nginx in front)"
    )
    parser.add_argument(
        "--secrets-out", help="write what was sent (token, case number, PIN, hashes) as JSON"
    )
    args = parser.parse_args()
    base = args.base.rstrip("/")
    token = open(args.member_token_file).read().strip()
    SENT.append(token)

    status, _, body = fetch(f"{base}/healthz")
    check(status == 200 and json.loads(body)["status"] == "alive", "/healthz says alive")
    status, _, body = fetch(f"{base}/readyz")
    ready = json.loads(body)
    check(status == 200 and ready["status"] == "ready", f"/readyz says ready: {ready['checks']}")
    check(ready["checks"]["celery_worker"]["ok"], "a Celery worker answers")

    status, headers, _ = fetch(f"{base}/")
    check(status == 200, "the home page is served")
    check(
        "script-src 'self'" in headers.get("Content-Security-Policy", ""),
        "the home page has a strict CSP",
    )
    status, _, _ = fetch(f"{base}/static/hashbank/js/hasher.js")
    check(status == 200, "the browser hasher is served as a static file")

    before = checkpoint_size(base, token, first=True)
    result = submit(base)
    check(
        bool(result.get("case_number")) and bool(result.get("pin")),
        "the submission returns a case number and PIN",
    )
    deadline = time.monotonic() + 30
    after = before
    while time.monotonic() < deadline and after <= before:
        time.sleep(0.5)
        after = checkpoint_size(base, token)
    check(
        after >= before + 2,
        f"the worker sealed the new signals into a checkpoint ({before} -> {after})",
    )

    check_tiles((args.log_base or base).rstrip("/"), after)
    if args.secrets_out:
        Path(args.secrets_out).write_text(json.dumps(SENT))


def check_tiles(base: str, size: int) -> None:
    """/log/checkpoint reaches `size` (the worker writes the tiles right after the seal commits),
    and its root is the one the tiles lead to: what any member or mirror can check, unauthenticated."""
    deadline = time.monotonic() + 15
    while True:
        status, headers, body = fetch(f"{base}/log/checkpoint")
        lines = body.decode(errors="replace").split("\n")
        seen = int(lines[1]) if status == 200 else -1
        if seen >= size or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    check(seen >= size, f"/log/checkpoint is at size {seen} (HTTP {status})")
    check(headers.get("Cache-Control") == "no-store", "the checkpoint file is not cached")
    size, root = seen, lines[2]

    def get(path: str) -> bytes | None:
        status, _, body = fetch(f"{base}/log/{path}")
        return body if status == 200 else None

    computed = tiles.root_from_tiles(size, get)
    check(
        base64.b64encode(computed).decode() == root,
        "the root recomputed from the tiles is the checkpoint's",
    )
    status, headers, _ = fetch(f"{base}/log/{tiles.tile_path(0, 0, min(size, 256))}")
    expected = "public, max-age=604800, immutable" if size >= 256 else "no-store"
    check(status == 200 and headers.get("Cache-Control") == expected, f"a tile says {expected}")
    for path in (".lock", "tile/0/1", "tile/0/..%2f..%2f..%2f..%2fetc/passwd"):
        status, _, _ = fetch(f"{base}/log/{path}")
        # 404; nginx answers 400 itself to a path that climbs above the root
        check(status in (400, 404), f"/log/{path} outside the tile grammar is refused ({status})")


if __name__ == "__main__":
    main()

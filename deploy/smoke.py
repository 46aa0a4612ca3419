"""Smoke test of a running hashbank: health, readiness (worker answering), the home page, a victim
submission sealed by the Celery worker, and a member's authenticated pull of the new checkpoint.

    python deploy/smoke.py http://127.0.0.1:8765 --member-token-file token.txt
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import time
import urllib.error
import urllib.request
from http.cookies import SimpleCookie


def fetch(
    url: str, *, data: bytes | None = None, headers: dict | None = None
) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def check(condition: bool, what: str) -> None:
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        sys.exit(1)


def checkpoint_size(base: str, token: str) -> int:
    status, _, body = fetch(
        f"{base}/api/v1/checkpoint", headers={"Authorization": f"Bearer {token}"}
    )
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
    return json.loads(body)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--member-token-file", required=True)
    args = parser.parse_args()
    base = args.base.rstrip("/")
    token = open(args.member_token_file).read().strip()

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

    before = checkpoint_size(base, token)
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


if __name__ == "__main__":
    main()

"""Scan every log of a production run for what must never be logged: client addresses, bearer
tokens, 32-hex (and longer) hash values, case numbers and PINs. What the smoke test's own person
and member sent (their address, token, case number, PIN and hashes) is looked for exactly too.

    python deploy/log_scan.py RUN_DIR --secrets RUN_DIR/secrets.json

Every `*.log` file in RUN_DIR is read (gunicorn's error and access logs, the Celery worker and
beat, nginx's access and error logs). The loopback address and 0.0.0.0 are the bank's own bind
and service addresses, never a client's here: the smoke test's requests carry
`X-Forwarded-For` with documentation addresses (TEST-NET-3, 2001:db8::/32) as the person's, so
those are what a leaked client address looks like. Prints each leak as file:line and what kind it
is (never the value itself) and exits 1 if there is any. Standard library only.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import re
import sys
from pathlib import Path

PATTERNS = {
    "bearer token": re.compile(r"\bhbk_[A-Za-z0-9_\-]{8,}|(?i:bearer)\s+[A-Za-z0-9_\-]{16,}"),
    "hash value": re.compile(r"(?<![0-9a-fA-F])[0-9a-fA-F]{32,}(?![0-9a-fA-F])"),
    "case number": re.compile(
        r"\bHB-?[0-9A-HJKMNP-TV-Z]{4}-?[0-9A-HJKMNP-TV-Z]{4}\b", re.IGNORECASE
    ),
    "PIN": re.compile(r"(?<![\d.:])\d{4}-\d{4}-\d{4}(?![\d.])|(?<![\d.:])\d{12}(?![\d.])"),
}
IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
IPV6 = re.compile(r"(?<![\w:.])[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7}(?![\w:])")
OWN_ADDRESSES = {"127.0.0.1", "0.0.0.0", "::1", "::"}


def _addresses(line: str) -> list[str]:
    found = []
    for match in [*IPV4.findall(line), *IPV6.findall(line)]:
        try:
            address = str(ipaddress.ip_address(match))
        except ValueError:
            continue
        if address not in OWN_ADDRESSES:
            found.append(address)
    return found


def scan_line(line: str, secrets: list[str]) -> list[str]:
    """The kinds of leak in one line (empty when it is clean)."""
    kinds = [kind for kind, pattern in PATTERNS.items() if pattern.search(line)]
    if _addresses(line):
        kinds.append("IP address")
    folded = line.lower().replace("-", "")
    if any(s and s.lower().replace("-", "") in folded for s in secrets):
        kinds.append("a value the smoke test sent")
    return kinds


def scan(run_dir: Path, secrets: list[str]) -> list[str]:
    leaks = []
    for path in sorted(run_dir.glob("*.log")):
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            for kind in scan_line(line, secrets):
                leaks.append(f"{path.name}:{number}: {kind}")
    return leaks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--secrets", type=Path, help="JSON list written by deploy/smoke.py")
    args = parser.parse_args()
    secrets = json.loads(args.secrets.read_text()) if args.secrets else []
    logs = sorted(p.name for p in args.run_dir.glob("*.log"))
    leaks = scan(args.run_dir, secrets)
    for leak in leaks:
        print(f"FAIL {leak}")
    if leaks:
        sys.exit(1)
    print(f"ok   no address, token, hash value, case number or PIN in {', '.join(logs)}")


if __name__ == "__main__":
    main()

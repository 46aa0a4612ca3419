"""deploy/log_scan.py, the production smoke test's last step: it finds every kind of leak in
every log of the run, and passes logs that only carry redacted values."""

from __future__ import annotations

import json
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "log_scan.py"
scan_line = runpy.run_path(str(SCRIPT))["scan_line"]
SENT = ["HB-7KQ4-M2XD", "1234-5678-9012", "9e107d9d372bb6826bd81d3542a419d6"]


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ('{"message": "from 203.0.113.77"}', "IP address"),
        ("[error] 12#0: client: 2001:db8:77::1, server: x", "IP address"),
        ("Authorization: Bearer hbk_0123456789abcdef_" + "S" * 43, "bearer token"),
        ("md5 d41d8cd98f00b204e9800998ecf8427e", "hash value"),
        ('"path":"/staff/cases/HB7KQ4M2XD/"', "case number"),
        ("pin=123456789012", "PIN"),
        ("case hb-7kq4-m2xd", "a value the smoke test sent"),
    ],
)
def test_each_kind_of_leak_is_found(line, kind):
    assert kind in scan_line(line, SENT)


@pytest.mark.parametrize(
    "line",
    [
        '{"time":"[02/Dec/2026:14:00:00 +0000]","method":"GET","path":"/readyz","status":200}',
        "[2026-12-02 14:00:00 +0000] [12] [INFO] Listening at: http://127.0.0.1:8765 (12)",
        "Webhook delivery from [ip] for [case] with [token], [hash], [pin]",
        "- ** ---------- .> transport:   redis://127.0.0.1:6379/14",
        "Task hashbank.ledger.seal_ledger[1b4e28ba-2fa1-11d2-883f-0016d3cca427] received",
        "took 1800000010123 ms at 14:00:00.123",
    ],
)
def test_redacted_and_harmless_lines_pass(line):
    assert scan_line(line, SENT) == []


def test_the_script_fails_the_run_on_a_leak_and_names_only_the_file_and_line(tmp_path):
    (tmp_path / "web.log").write_text("ok\n")
    (tmp_path / "worker.log").write_text("ok\nsealed for HB-7KQ4-M2XD\n")
    (tmp_path / "secrets.json").write_text(json.dumps(SENT))
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path), "--secrets", str(tmp_path / "secrets.json")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "worker.log:2: case number" in result.stdout
    assert "7KQ4" not in result.stdout


def test_the_script_passes_clean_logs(tmp_path):
    (tmp_path / "access.log").write_text('{"path":"/status/","status":200}\n')
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout

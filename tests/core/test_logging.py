import json
import logging

from hashbank.core.logging import JsonFormatter, RedactFilter, redact


def test_hash_values_are_redacted_from_log_messages():
    pdq = "f" * 63 + "0"
    assert (
        redact(f"published {pdq} and d41d8cd98f00b204e9800998ecf8427e")
        == "published [hash] and [hash]"
    )


def test_ip_addresses_are_redacted_from_log_messages():
    assert redact("request from 203.0.113.9 and 2001:db8::1") == "request from [ip] and [ip]"


def test_json_formatter_writes_one_object_per_line_without_hashes():
    record = logging.LogRecord(
        "hashbank.test", logging.INFO, __file__, 1, "case %s from %s", ("HB-1", "10.0.0.1"), None
    )
    record.md5 = "d41d8cd98f00b204e9800998ecf8427e"
    RedactFilter().filter(record)
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["message"] == "case HB-1 from [ip]"
    assert entry["md5"] == "[hash]"
    assert entry["level"] == "info"

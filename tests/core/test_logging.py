import json
import logging
import sys

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


TOKEN = "hbk_0123456789abcdef_" + "S" * 43
CASE = "HB-7KQ4-M2XD"
PIN = "1234-5678-9012"
MD5 = "d41d8cd98f00b204e9800998ecf8427e"


def _record(msg: str = "event", args: tuple = (), exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("hashbank.test", logging.ERROR, __file__, 1, msg, args, exc_info)


def _leaks(text: str) -> list[str]:
    secrets = [TOKEN, "S" * 43, CASE, "7KQ4M2XD", "7KQ4-M2XD", PIN, "123456789012", MD5]
    secrets += ["203.0.113.9", "2001:db8::7"]
    return [s for s in secrets if s in text]


def test_tokens_case_numbers_and_pins_are_redacted_from_messages():
    text = redact(f"Bearer {TOKEN} for case {CASE} ({CASE.replace('-', '').lower()}) pin {PIN}")
    assert _leaks(text) == []
    assert "[token]" in text and "[case]" in text and "[pin]" in text


def test_the_message_arguments_are_redacted():
    record = _record("case %s pin %s from %s", (CASE, PIN, "203.0.113.9"))
    RedactFilter().filter(record)
    assert _leaks(record.getMessage()) == [] and record.args == ()


def test_a_string_extra_field_is_redacted():
    record = _record()
    record.authorization = f"Bearer {TOKEN}"
    RedactFilter().filter(record)
    assert _leaks(record.authorization) == []


def test_djangos_request_field_is_redacted_though_it_is_not_a_string(rf):
    """django.request and django.server log the HttpRequest itself as `request`; its text is the
    method and the path, which is what a formatter prints."""
    record = _record("Internal Server Error: %s", (f"/staff/cases/{CASE}/",))
    record.request = rf.get(f"/staff/cases/{CASE}/?token={TOKEN}", REMOTE_ADDR="203.0.113.9")
    record.status_code = 500
    RedactFilter().filter(record)
    line = JsonFormatter().format(record)
    assert _leaks(line) == []
    assert json.loads(line)["status_code"] == 500


def test_the_traceback_is_redacted_for_the_plain_and_the_json_formatter():
    try:
        raise ValueError(f"no case {CASE} for {MD5} from 2001:db8::7")
    except ValueError:
        record = _record(exc_info=sys.exc_info())
    RedactFilter().filter(record)
    plain = logging.Formatter("%(message)s").format(record)
    assert "ValueError" in plain and _leaks(plain) == []
    assert _leaks(JsonFormatter().format(record)) == []


def test_stack_info_is_redacted():
    record = _record()
    record.stack_info = f'File "x.py", line 1, in view\n    lookup("{CASE}")'
    RedactFilter().filter(record)
    assert _leaks(record.stack_info) == []


def test_numbers_that_are_not_pins_stay():
    assert redact("took 1800000010123 ms, 42 rows, size 123456789") == (
        "took 1800000010123 ms, 42 rows, size 123456789"
    )

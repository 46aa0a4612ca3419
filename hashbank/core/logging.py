"""Structured logging: one JSON object per line, with hash values, IP addresses, tokens, case
numbers and PINs redacted.

Code should never log a victim's IP, a hash value, a token, a case number or a PIN in the first
place; the filter is the belt to those braces, so a mistake does not end up in a log aggregator.
It is applied at every sink the bank writes: Django's and Celery's loggers (settings.LOGGING;
the worker does not replace the root logger's handlers), and gunicorn's error and access logs
(deploy/gunicorn.conf.py). Every field of a record is redacted, the message, its arguments, the
extra fields (Django's `request`, an HttpRequest whose text is the path, is one) and the
traceback; a field that is not a plain value is replaced by its redacted text.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
from datetime import UTC, datetime

# Bearer tokens (hbk_<key id>_<secret>), webhook secrets, anything sent as a Bearer credential.
_TOKEN = re.compile(r"\b(?:hbk|whsec)_[A-Za-z0-9_\-]+|(?i:bearer)\s+[^\s\"',;]+")
# 32 hex (MD5) and longer hex runs (PDQ, SHA-256), IPv4 addresses and IPv6-looking groups.
_HEX = re.compile(r"\b[0-9a-fA-F]{32,}\b")
# Case numbers (HB + 8 Crockford base32 characters, with or without dashes, any case) and PINs
# (12 digits, shown in groups of four).
_CASE_NUMBER = re.compile(
    r"\b[Hh][Bb]-?[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{4}-?[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{4}\b"
)
_PIN = re.compile(r"(?<![\d.])\d{4}[- ]?\d{4}[- ]?\d{4}(?![\d.])")
_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
_IPV6_CANDIDATE = re.compile(r"(?<![\w:.])[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7}(?![\w:])")

_STANDARD_ATTRS = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
# Standard fields that carry no text from outside.
_KEEP = {
    "name",
    "levelname",
    "levelno",
    "pathname",
    "filename",
    "module",
    "funcName",
    "lineno",
    "created",
    "msecs",
    "relativeCreated",
    "thread",
    "threadName",
    "process",
    "processName",
    "taskName",
    "exc_info",
    "args",
    "msg",
    "message",
    "asctime",
}


def redact(text: str) -> str:
    text = _TOKEN.sub("[token]", text)
    text = _HEX.sub("[hash]", text)
    text = _CASE_NUMBER.sub("[case]", text)
    text = _IPV4.sub("[ip]", text)
    text = _PIN.sub("[pin]", text)
    return _IPV6_CANDIDATE.sub(_ipv6_or_unchanged, text)


def _ipv6_or_unchanged(match: re.Match) -> str:
    try:
        ipaddress.IPv6Address(match.group(0))
    except ValueError:
        return match.group(0)
    return "[ip]"


def _redacted_value(value: object) -> object:
    if isinstance(value, (int, float, bool, type(None))):
        return value
    if isinstance(value, str):
        return redact(value)
    return redact(str(value))  # an HttpRequest, a socket, an exception: its text, redacted


class RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        for key, value in list(vars(record).items()):
            if key in _STANDARD_ATTRS and key not in {"exc_text", "stack_info"}:
                continue
            if key not in _KEEP:
                setattr(record, key, _redacted_value(value))
        if record.exc_info and not record.exc_text:
            # The formatters print exc_text when it is set: the traceback, redacted, once.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                entry[key] = (
                    value if isinstance(value, (int, float, bool, type(None))) else str(value)
                )
        if record.exc_info or record.exc_text:
            entry["exception"] = redact(record.exc_text or self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)

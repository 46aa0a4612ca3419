"""Idempotency keys: a retried POST with the same key and body returns the first result; the same
key with a different body is refused, so a client bug cannot silently drop a report."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, transaction

from hashbank.core.errors import Conflict, CoreErrorCode, DomainError

T = TypeVar("T")
MAX_KEY_LENGTH = 100


def fingerprint(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def clean_key(key: str | None) -> str | None:
    if key is None or key == "":
        return None
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise DomainError(
            f"Idempotency-Key must be at most {MAX_KEY_LENGTH} printable characters.",
            code=CoreErrorCode.INVALID_IDEMPOTENCY_KEY,
        )
    return key


def once(
    model, *, member, key: str | None, payload: dict, create: Callable[[str], T]
) -> tuple[T, bool]:
    """(object, created). `create(fingerprint)` makes the object when the key is new."""
    key = clean_key(key)
    digest = fingerprint(payload)
    if key is not None:
        existing = model.objects.filter(member=member, idempotency_key=key).first()
        if existing is not None:
            return _replay(existing, digest), False
    try:
        with transaction.atomic():
            return create(digest), True
    except IntegrityError:
        if key is None:
            raise
        existing = model.objects.get(member=member, idempotency_key=key)  # a concurrent retry won
        return _replay(existing, digest), False


def _replay(existing, digest: str):
    if existing.request_fingerprint != digest:
        raise Conflict(
            "This Idempotency-Key was used with a different request body.",
            code=CoreErrorCode.IDEMPOTENCY_KEY_REUSED,
        )
    return existing

"""The ledger's codes: key management and sealing, met by operators (management commands, the
staff console's keys page), never by an API client."""

from __future__ import annotations

from hashbank.core.errors import INTERNAL, ErrorCode


class LedgerErrorCode(ErrorCode):
    NO_SIGNING_KEY = "no_signing_key", INTERNAL
    KEYS_MISSING = "keys_missing", INTERNAL
    UNKNOWN_KEY = "unknown_key", INTERNAL
    LAST_KEY = "last_key", INTERNAL

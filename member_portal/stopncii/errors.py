"""The StopNCII-compatible facade's own codes; see docs/member-guide.md."""

from __future__ import annotations

from hashbank.core.errors import MEMBER_API, ErrorCode


class StopnciiErrorCode(ErrorCode):
    SUBSCRIPTION_KEY_MISMATCH = "subscription_key_mismatch", MEMBER_API
    INVALID_PAGE_TOKEN = "invalid_page_token", MEMBER_API

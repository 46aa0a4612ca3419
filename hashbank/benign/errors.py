"""The benign list's codes."""

from __future__ import annotations

from hashbank.core.errors import INTERNAL, MEMBER_API, ErrorCode


class BenignErrorCode(ErrorCode):
    # A held submission already decided (the console's queue).
    ALREADY_DECIDED = "already_decided", INTERNAL
    # A member contributed a value the bank holds for a case: disputes are the way to contest it.
    VALUE_IN_FEED = "value_in_feed", MEMBER_API

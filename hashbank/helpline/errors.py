"""The helpline's codes: only the console's settings form answers them."""

from __future__ import annotations

from hashbank.core.errors import INTERNAL, ErrorCode


class HelplineErrorCode(ErrorCode):
    INVALID_CONTACT = "invalid_contact", INTERNAL

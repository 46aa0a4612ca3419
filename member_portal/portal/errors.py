"""The portal's own codes, shown on its pages."""

from __future__ import annotations

from hashbank.core.errors import INTERNAL, ErrorCode


class PortalErrorCode(ErrorCode):
    INVALID_OTP = "invalid_otp", INTERNAL

"""The codes of acknowledgements, receipts and receipt keys (docs/member-guide.md, section 6)."""

from __future__ import annotations

from hashbank.core.errors import MEMBER_API, ErrorCode


class ReceiptErrorCode(ErrorCode):
    # Acknowledgements and receipts.
    UNKNOWN_CHECKPOINT = "unknown_checkpoint", MEMBER_API
    MALFORMED_RECEIPT = "malformed_receipt", MEMBER_API
    RECEIPT_WRONG_ORIGIN = "receipt_wrong_origin", MEMBER_API
    RECEIPT_CHECKPOINT_MISMATCH = "receipt_checkpoint_mismatch", MEMBER_API
    CHECKPOINT_NOT_PULLED = "checkpoint_not_pulled", MEMBER_API
    RECEIPT_KEY_NOT_REGISTERED = "receipt_key_not_registered", MEMBER_API
    INVALID_RECEIPT_SIGNATURE = "invalid_receipt_signature", MEMBER_API
    STALE_RECEIPT = "stale_receipt", MEMBER_API
    RECEIPT_TIME_IN_FUTURE = "receipt_time_in_future", MEMBER_API
    # Receipt keys.
    INVALID_RECEIPT_KEY = "invalid_receipt_key", MEMBER_API
    RECEIPT_KEY_EXISTS = "receipt_key_exists", MEMBER_API
    TOO_MANY_RECEIPT_KEYS = "too_many_receipt_keys", MEMBER_API
    UNKNOWN_RECEIPT_KEY = "unknown_receipt_key", MEMBER_API

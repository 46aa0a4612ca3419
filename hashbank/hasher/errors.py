"""The offline hash file's validation codes (docs/offline-hasher.md), registered for the server.

hashbank.hasher.document raises them as plain strings: it is copied alone, without hashbank.core,
to run the offline hasher. `format.parse_hash_file` turns each into a member of this enum, and
tests/core/test_error_codes.py checks that the two lists agree.
"""

from __future__ import annotations

from hashbank.core.errors import INTERNAL, ErrorCode


class HashFileErrorCode(ErrorCode):
    # The hash file's text is pasted into the no-JavaScript form (/submit/offline/), a page.
    INVALID_HASH_FILE = "invalid_hash_file", INTERNAL
    HASH_FILE_NOT_JSON = "hash_file_not_json", INTERNAL
    HASH_FILE_TOO_LARGE = "hash_file_too_large", INTERNAL
    HASH_FILE_WRONG_FORMAT = "hash_file_wrong_format", INTERNAL
    HASH_FILE_UNSUPPORTED_VERSION = "hash_file_unsupported_version", INTERNAL
    HASH_FILE_UNKNOWN_FIELD = "hash_file_unknown_field", INTERNAL
    HASH_FILE_EMPTY = "hash_file_empty", INTERNAL
    HASH_FILE_TOO_MANY = "hash_file_too_many", INTERNAL
    INVALID_HASH_ENTRY = "invalid_hash_entry", INTERNAL
    INVALID_MD5 = "invalid_md5", INTERNAL
    INVALID_PDQ = "invalid_pdq", INTERNAL
    INVALID_PHASH = "invalid_phash", INTERNAL
    INVALID_QUALITY = "invalid_quality", INTERNAL
    INVALID_ORIENTATION = "invalid_orientation", INTERNAL

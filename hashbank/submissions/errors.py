"""The victim API's and pages' own codes (the hashes' codes are the cases', signals' and hash
file's; see docs/submissions.md)."""

from __future__ import annotations

from hashbank.core.errors import INTERNAL, SUBMISSION_API, ErrorCode


class SubmissionErrorCode(ErrorCode):
    MISSING_CREDENTIALS = "missing_credentials", SUBMISSION_API
    INVALID_HASH_IDS = "invalid_hash_ids", SUBMISSION_API
    CSRF_FAILED = "csrf_failed", SUBMISSION_API
    # /api/v1/possession-checks: the caller's answer to a caseworker's possession check.
    INVALID_CHECK_ANSWER = "invalid_check_answer", SUBMISSION_API
    # throttle.check_hashes: the client's hashes per day (HASHBANK_HASHES_PER_CLIENT_PER_DAY).
    TOO_MANY_HASHES_TODAY = "too_many_hashes_today", SUBMISSION_API
    # proof.py: past HASHBANK_POW_FREE_PER_DAY submissions a day a client needs a proof of work
    # (428, with a challenge), and a forged, altered or used one (400), or an expired one (400,
    # with a new challenge), is refused.
    POW_REQUIRED = "pow_required", SUBMISSION_API
    POW_INVALID = "pow_invalid", SUBMISSION_API
    POW_EXPIRED = "pow_expired", SUBMISSION_API
    # The no-JavaScript form (/submit/offline/), a page: the pasted text is empty.
    NO_HASH_TEXT = "no_hash_text", INTERNAL

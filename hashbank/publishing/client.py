"""The bank as a C2SP tlog-witness client: one add-checkpoint request to one witness, and what
its answer means. No Django and no database here: these run in threads, one per witness, while
services.py waits for them (the proofs they carry are computed before, by the caller)."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass

from member_portal.feed import cosignature
from member_portal.feed import witness as wire

COSIGNED = "cosigned"
# An answer is a few cosignature lines; anything longer is not one.
MAX_ANSWER = 16 * 1024


@dataclass(frozen=True)
class Answer:
    """What a witness said. `outcome` is "cosigned" or a short reason for people ("timeout",
    "422 fork", ...); `line` the verified cosignature line; `size` the witness's size on a 409
    with text/x.tlog.size; `fork` true for a 422, or a 409 that does not say its size."""

    outcome: str
    line: str = ""
    size: int | None = None
    fork: bool = False

    @property
    def cosigned(self) -> bool:
        return bool(self.line)


def add_checkpoint(
    *,
    url: str,
    old_size: int,
    proof: list[bytes],
    signed_note: str,
    text: str,
    verifier: cosignature.CosignatureVerifier,
    timeout: float,
) -> Answer:
    """POST `<url>/add-checkpoint` and read the answer; never raises."""
    body = wire.AddCheckpoint(old_size, tuple(proof), signed_note).encode()
    request = urllib.request.Request(
        url.rstrip("/") + "/add-checkpoint",
        data=body,
        method="POST",
        headers={"Content-Type": "text/plain; charset=utf-8"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (policy URL)
            return _cosigned(response.read(MAX_ANSWER), text, verifier)
    except urllib.error.HTTPError as exc:
        with exc:
            return _refused(exc.code, exc.headers.get("Content-Type", ""), exc.read(MAX_ANSWER))
    except TimeoutError:
        return Answer("timeout")
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            return Answer("timeout")
        return Answer(f"unreachable ({type(exc.reason).__name__})")
    except (OSError, ValueError) as exc:  # a reset connection, a malformed URL in the policy
        return Answer(f"unreachable ({type(exc).__name__})")


def _cosigned(body: bytes, text: str, verifier: cosignature.CosignatureVerifier) -> Answer:
    """The answer's cosignature line by `verifier`, checked over the checkpoint's text."""
    try:
        lines = body.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return Answer("200 with an answer that is not UTF-8")
    for line in lines:
        try:
            cosig = cosignature.Cosignature.parse_line(line)
        except cosignature.CosignatureError:
            continue
        if (cosig.name, cosig.key_id) != (verifier.name, verifier.key_id):
            continue
        try:
            verifier.verify(text, cosig)
        except cosignature.CosignatureError:
            return Answer("bad cosignature (does not verify under the policy's key)")
        return Answer(COSIGNED, line=cosig.line())
    return Answer("200 without a cosignature by the policy's key")


def _refused(status: int, content_type: str, body: bytes) -> Answer:
    if status == 409:
        if content_type.split(";")[0].strip() == wire.SIZE_CONTENT_TYPE:
            try:
                return Answer(
                    f"409 it has size {wire.parse_size(body)}", size=wire.parse_size(body)
                )
            except wire.WitnessRequestError:
                pass
        return Answer("409 fork (without its size)", fork=True)
    if status == 422:
        return Answer("422 fork", fork=True)
    reasons = {
        400: "400 malformed request",
        403: "403 not signed by a key it trusts for our log",
        404: "404 it does not witness our log",
    }
    return Answer(reasons.get(status, f"{status} error"))

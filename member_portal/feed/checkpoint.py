"""Checkpoint text: the C2SP tlog-checkpoint body plus hashbank's extension lines.

`parse_body` reads any log's checkpoint in the generic form (origin, size, root, then any
extension lines), as a witness must; `parse` reads hashbank's, whose extension lines are:

<origin>
<tree size>
<base64 root hash>
time <Unix seconds when signed>
active <count of active signals> <base64 active-set digest>       (before the switch), or
state <count of active signals> <base64 state commitment digest>  (from the switch on)

The `active` line is the additive digest of member_portal/feed/setdigest.py (scheme "active");
the `state` line repeats the last entry of the tree, a state entry (member_portal/feed/lthash.py,
scheme "state"). A checkpoint carries exactly one of the two.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

ACTIVE = "active"
STATE = "state"


class CheckpointError(ValueError):
    """Checkpoint text that does not follow the format."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    time: int
    active_count: int
    active_digest: bytes
    # "active": the additive digest (logs before their switch); "state": the state commitment.
    scheme: str = ACTIVE

    @property
    def has_state(self) -> bool:
        return self.scheme == STATE

    def text(self) -> str:
        return (
            f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"
            f"time {self.time}\n"
            f"{self.scheme} {self.active_count} {base64.b64encode(self.active_digest).decode()}\n"
        )


@dataclass(frozen=True)
class Body:
    """Any log's checkpoint body: the three lines every C2SP checkpoint starts with, and its
    extension lines."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode()]
        return "\n".join([*lines, *self.extensions]) + "\n"


def decimal(text: str, what: str) -> int:
    """A tlog size: decimal digits, no leading zero, below 2^63."""
    if not text.isdigit() or not text.isascii() or (text != "0" and text.startswith("0")):
        raise CheckpointError(f"{what} is not a decimal number")
    value = int(text)
    if value >= 1 << 63:
        raise CheckpointError(f"{what} is too large")
    return value


def parse_body(text: str) -> Body:
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise CheckpointError("a checkpoint has an origin, a size and a root hash line")
    origin, size, root = lines[0], lines[1], lines[2]
    if not origin or origin != origin.strip():
        raise CheckpointError("the checkpoint's origin line is empty or padded")
    try:
        root_bytes = base64.b64decode(root, validate=True)
    except binascii.Error:
        raise CheckpointError("the checkpoint's root hash is not base64") from None
    if len(root_bytes) != 32:
        raise CheckpointError("the checkpoint's root hash is not 32 bytes")
    if any(not line for line in lines[3:-1]):
        raise CheckpointError("a checkpoint has no blank line")
    return Body(origin, decimal(size, "tree size"), root_bytes, tuple(lines[3:-1]))


def parse(text: str) -> Checkpoint:
    body = parse_body(text)
    if len(body.extensions) < 2:
        raise CheckpointError("a checkpoint has origin, size, root and extension lines")
    extensions: dict[str, list[str]] = {}
    for line in body.extensions:
        key, _, rest = line.partition(" ")
        extensions[key] = rest.split(" ")
    schemes = [key for key in (ACTIVE, STATE) if key in extensions]
    if len(schemes) != 1:
        raise CheckpointError("a checkpoint has exactly one active or state extension line")
    (scheme,) = schemes
    try:
        (time,) = extensions["time"]
        count, digest = extensions[scheme]
        digest_bytes = base64.b64decode(digest, validate=True)
        checkpoint = Checkpoint(
            body.origin, body.size, body.root, int(time), int(count), digest_bytes, scheme
        )
    except (KeyError, ValueError, binascii.Error):
        raise CheckpointError(f"missing or malformed time/{scheme} extension lines") from None
    if len(digest_bytes) != 32:
        raise CheckpointError(f"the {scheme} line's digest is not 32 bytes")
    return checkpoint

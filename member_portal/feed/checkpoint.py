"""Checkpoint text: the C2SP tlog-checkpoint body plus hashbank's extension lines.

<origin>
<tree size>
<base64 root hash>
time <Unix seconds when signed>
active <count of active signals> <base64 active-set digest>
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass


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

    def text(self) -> str:
        return (
            f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"
            f"time {self.time}\n"
            f"active {self.active_count} {base64.b64encode(self.active_digest).decode()}\n"
        )


def parse(text: str) -> Checkpoint:
    lines = text.split("\n")
    if len(lines) < 6 or lines[-1] != "":
        raise CheckpointError("a checkpoint has origin, size, root and extension lines")
    origin, size, root = lines[0], lines[1], lines[2]
    if not origin:
        raise CheckpointError("empty origin")
    if not size.isdigit() or (size != "0" and size.startswith("0")):
        raise CheckpointError("tree size is not a decimal number")
    try:
        root_bytes = base64.b64decode(root, validate=True)
    except binascii.Error:
        raise CheckpointError("root hash is not base64") from None
    if len(root_bytes) != 32:
        raise CheckpointError("root hash is not 32 bytes")
    extensions: dict[str, list[str]] = {}
    for line in lines[3:-1]:
        key, _, rest = line.partition(" ")
        extensions[key] = rest.split(" ")
    try:
        (time,) = extensions["time"]
        count, digest = extensions["active"]
        digest_bytes = base64.b64decode(digest, validate=True)
        checkpoint = Checkpoint(origin, int(size), root_bytes, int(time), int(count), digest_bytes)
    except (KeyError, ValueError, binascii.Error):
        raise CheckpointError("missing or malformed time/active extension lines") from None
    if len(digest_bytes) != 32:
        raise CheckpointError("active-set digest is not 32 bytes")
    return checkpoint

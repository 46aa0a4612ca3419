"""An independent implementation of the formats members check, written from the specifications
(RFC 6962 section 2.1 / RFC 9162 section 2.1, https://c2sp.org/signed-note,
https://c2sp.org/tlog-checkpoint, https://c2sp.org/tlog-tiles and docs/feed-format.md), sharing no
code with member_portal.feed.

It is deliberately naive (recursive MTH over the whole list of leaves): correctness by
transcription of the spec, not speed.
"""

from __future__ import annotations

import base64
import hashlib
import struct

from blake3 import blake3
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def k_split(n: int) -> int:
    """The largest power of two smaller than n (RFC 6962: k < n <= 2k)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 2.1: MTH({}) = SHA-256(); MTH({d0}) = SHA-256(0x00||d0); else split at k."""
    n = len(leaves)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return sha256(b"\x00" + leaves[0])
    k = k_split(n)
    return sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:]))


def path(m: int, leaves: list[bytes]) -> list[bytes]:
    """RFC 6962 2.1.1 PATH(m, D[n])."""
    n = len(leaves)
    if n == 1:
        return []
    k = k_split(n)
    if m < k:
        return path(m, leaves[:k]) + [mth(leaves[k:])]
    return path(m - k, leaves[k:]) + [mth(leaves[:k])]


def proof(m: int, leaves: list[bytes]) -> list[bytes]:
    """RFC 6962 2.1.2 PROOF(m, D[n]) = SUBPROOF(m, D[n], true)."""
    if m == 0 or m == len(leaves):
        return []
    return _subproof(m, leaves, True)


def _subproof(m: int, leaves: list[bytes], b: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if b else [mth(leaves)]
    k = k_split(n)
    if m <= k:
        return _subproof(m, leaves[:k], b) + [mth(leaves[k:])]
    return _subproof(m - k, leaves[k:], False) + [mth(leaves[:k])]


# --- signed notes (c2sp.org/signed-note) ------------------------------------------------------


def note_key_hash(name: str, alg_and_key: bytes) -> bytes:
    return sha256(name.encode("utf-8") + b"\x0a" + alg_and_key)[:4]


def parse_vkey(vkey: str) -> tuple[str, bytes, bytes]:
    """`name+hex(keyhash)+base64(alg||key)` -> (name, key hash, raw Ed25519 public key)."""
    name, hexhash, b64 = vkey.split("+", 2)
    blob = base64.standard_b64decode(b64)
    assert blob[0] == 1 and len(blob) == 33, "not an Ed25519 verifier key"
    keyhash = bytes.fromhex(hexhash)
    assert note_key_hash(name, blob) == keyhash, "key hash does not match"
    return name, keyhash, blob[1:]


def open_note(msg: str, vkeys: list[str]) -> tuple[str, list[str]]:
    """Split the note at the last blank line; verify the signature lines of known keys.

    Returns (text, names of keys whose signatures verified); raises AssertionError otherwise."""
    assert msg.endswith("\n")
    idx = msg.rindex("\n\n")
    text, sigs = msg[: idx + 1], msg[idx + 2 :]
    keys = {}
    for vkey in vkeys:
        name, keyhash, pub = parse_vkey(vkey)
        keys[(name, keyhash)] = pub
    verified = []
    for line in sigs.split("\n")[:-1]:
        assert line.startswith("\u2014 "), f"bad signature line {line!r}"
        name, b64 = line[2:].split(" ")
        blob = base64.standard_b64decode(b64)
        pub = keys.get((name, blob[:4]))
        if pub is None:
            continue
        try:
            Ed25519PublicKey.from_public_bytes(pub).verify(blob[4:], text.encode("utf-8"))
        except InvalidSignature:
            raise AssertionError(f"bad signature by {name}") from None
        verified.append(name)
    assert verified, "no signature by a known key"
    return text, verified


def parse_checkpoint(text: str) -> dict:
    """c2sp.org/tlog-checkpoint: origin, decimal size, base64 root, then extension lines."""
    lines = text.split("\n")
    assert lines[-1] == ""
    out = {"origin": lines[0], "size": int(lines[1]), "root": base64.b64decode(lines[2])}
    for line in lines[3:-1]:
        key, rest = line.split(" ", 1)
        out[key] = rest
    return out


# --- hashbank leaves and set digest (docs/feed-format.md) -------------------------------------


def leaf_fields(leaf: bytes) -> dict:
    assert len(leaf) == 52
    return {
        "version": leaf[0],
        "kind": leaf[1],
        "type": leaf[2],
        "reason": leaf[3],
        "time": int.from_bytes(leaf[4:12], "big"),
        "digest": leaf[12:44],
        "target": int.from_bytes(leaf[44:52], "big"),
    }


def value_digest(salt: bytes, type_code: int, quality: int, value: bytes) -> bytes:
    return sha256(b"hashbank/signal/v1\x00" + salt + bytes([type_code, quality]) + value)


def set_digest(value_digests: list[bytes]) -> bytes:
    total = sum(int.from_bytes(sha256(b"\x00" + d), "big") for d in value_digests)
    return (total % 2**256).to_bytes(32, "big")


# --- the state commitment (docs/feed-format.md, 3.1): LtHash16, lane by lane, no numpy ------------

STATE_DOMAIN = b"hashbank/state/v1\x00"


def lthash16(value_digests: list[bytes], removed: list[bytes] = ()) -> list[int]:
    """1024 lanes mod 2^16: the sum of BLAKE3-XOF(domain || d)[2048 bytes] read as little-endian
    u16 lanes, over the added digests, minus those of the removed ones."""
    lanes = [0] * 1024
    for sign, digests in ((1, value_digests), (-1, removed)):
        for d in digests:
            expanded = blake3(STATE_DOMAIN + d).digest(length=2048)
            for i, lane in enumerate(struct.unpack("<1024H", expanded)):
                lanes[i] = (lanes[i] + sign * lane) % 65536
    return lanes


TIER_DOMAIN = b"hashbank/tier/v1\x00"


def lthash16_with_tiers(value_digests: list[bytes], tiers: dict[bytes, int]) -> list[int]:
    """1.4 / 3.1: the lanes of the active set plus, for each active signal whose latest tier
    entry has basis b (`tiers`: value digest -> b), BLAKE3-XOF(tier domain || d || b)."""
    lanes = lthash16(value_digests)
    for d, basis in tiers.items():
        expanded = blake3(TIER_DOMAIN + d + bytes([basis])).digest(length=2048)
        for i, lane in enumerate(struct.unpack("<1024H", expanded)):
            lanes[i] = (lanes[i] + lane) % 65536
    return lanes


def tier_leaf(time: int, type_code: int, basis: int, value_digest: bytes, add_seq: int) -> bytes:
    """1.4: version 1, kind 4, the add's type, the basis, time, the add's digest, the add's seq."""
    return (
        bytes([1, 4, type_code, basis])
        + time.to_bytes(8, "big")
        + value_digest
        + add_seq.to_bytes(8, "big")
    )


def tier_of(basis: int) -> str:
    """1.4: no tier entry (0) or basis 1 is unreviewed; 2, 3 and 4 are confirmed."""
    return "unreviewed" if basis in (0, 1) else "confirmed"


def replay(entries: list[bytes]) -> dict:
    """Apply leaves in order (1.1, 1.4): the active set (add seq -> value digest) and the basis
    of each active signal's latest tier entry (add seq -> basis)."""
    active: dict[int, bytes] = {}
    tiers: dict[int, int] = {}
    for seq, leaf in enumerate(entries):
        f = leaf_fields(leaf)
        if f["kind"] == 1:
            active[seq] = f["digest"]
        elif f["kind"] == 2:
            assert active.pop(f["target"]) == f["digest"]
            tiers.pop(f["target"], None)
        elif f["kind"] == 4:
            assert active[f["target"]] == f["digest"], "a tier entry names an active add"
            assert f["reason"] in (1, 2, 3, 4)
            tiers[f["target"]] = f["reason"]
        else:
            assert f["kind"] == 3
    return {"active": active, "tiers": tiers}


def state_commitment(count: int, lanes: list[int]) -> bytes:
    """SHA-256(domain || count u64 big-endian || the 1024 lanes as little-endian u16)."""
    return sha256(STATE_DOMAIN + count.to_bytes(8, "big") + struct.pack("<1024H", *lanes))


def state_leaf(time: int, value_digests: list[bytes]) -> bytes:
    """A state entry's 52 bytes: version 1, kind 3, type 0, reason 0, time, commitment, count."""
    digest = state_commitment(len(value_digests), lthash16(value_digests))
    return (
        bytes([1, 3, 0, 0])
        + time.to_bytes(8, "big")
        + digest
        + len(value_digests).to_bytes(8, "big")
    )


def verify_snapshot_v2(data: bytes, root: bytes, size: int) -> list[bytes]:
    """6.2 v2: "HBS2" | note length u32 | note | n u8 | n hashes (the range of size-1) |
    state leaf[52] | count u64 | records. Checks the range plus the state leaf fold to `root`
    and the records' LtHash16 equals the leaf; returns the records' value digests.
    v3 ("HBS3"): each record has a basis byte after its quality, and the state has its tier
    elements."""
    assert data[:4] in (b"HBS2", b"HBS3")
    v3 = data[:4] == b"HBS3"
    pos = 8 + int.from_bytes(data[4:8], "big")
    n = data[pos]
    hashes = [data[pos + 1 + 32 * i : pos + 33 + 32 * i] for i in range(n)]
    pos += 1 + 32 * n
    leaf = data[pos : pos + 52]
    count = int.from_bytes(data[pos + 52 : pos + 60], "big")
    pos += 60
    # Fold: the compact range's hashes are the perfect subtrees of size-1, largest first; the
    # root of size leaves is MTH over them and the new leaf hash, folded right to left.
    node = sha256(b"\x00" + leaf)
    for h in reversed(hashes):
        node = sha256(b"\x01" + h + node)
    assert node == root, "compact range and state leaf do not fold to the root"
    digests = []
    tiers = {}
    for _ in range(count):
        code, quality = data[pos + 8], data[pos + 9]
        head = 10
        if v3:
            basis = data[pos + 10]
            head = 11
        salt = data[pos + head : pos + head + 16]
        value = data[pos + head + 16 : pos + head + 16 + {1: 32, 2: 16, 3: 8}[code]]
        digest = value_digest(salt, code, quality, value)
        digests.append(digest)
        if v3 and basis:
            tiers[digest] = basis
        pos += head + 16 + len(value)
    assert pos == len(data)
    fields = leaf_fields(leaf)
    assert fields["kind"] == 3 and fields["target"] == count
    assert fields["digest"] == state_commitment(count, lthash16_with_tiers(digests, tiers))
    return digests


# --- wire formats (docs/feed-format.md, 6) ------------------------------------------------------


def entries_page(start: int, records: list[tuple[bytes, bytes]]) -> bytes:
    """6.1: "HBE1" | start u64 | count u32 | count x (leaf[52] | payload length u8 | payload)."""
    out = b"HBE1" + start.to_bytes(8, "big") + len(records).to_bytes(4, "big")
    for leaf, payload in records:
        out += leaf + bytes([len(payload)]) + payload
    return out


def snapshot_record(seq: int, type_code: int, quality: int, salt: bytes, value: bytes) -> bytes:
    """6.2: add seq u64 | type code u8 | quality u8 | salt[16] | value."""
    return seq.to_bytes(8, "big") + bytes([type_code, quality]) + salt + value


def payload_fields(payload: bytes) -> dict:
    """1.3: salt[16] || quality[1] || value."""
    return {"salt": payload[:16], "quality": payload[16], "value": payload[17:]}


# --- witnesses (c2sp.org/tlog-cosignature, c2sp.org/tlog-witness) -------------------------------


def parse_cosignature_vkey(vkey: str) -> tuple[str, bytes, bytes]:
    """tlog-cosignature: `name+hex(keyhash)+base64(0x04||key)`, the key hash over 0x04||key."""
    name, hexhash, b64 = vkey.split("+", 2)
    blob = base64.standard_b64decode(b64)
    assert blob[0] == 4 and len(blob) == 33, "not a cosignature/v1 Ed25519 verifier key"
    keyhash = bytes.fromhex(hexhash)
    assert note_key_hash(name, blob) == keyhash, "key hash does not match"
    return name, keyhash, blob[1:]


def verify_cosignature(body: str, line: str, vkey: str) -> int:
    """Check one signature line `— name base64(keyhash[4] || time u64 || sig[64])` over
    "cosignature/v1\\ntime <t>\\n" + the checkpoint body; returns the time it states."""
    name, keyhash, pub = parse_cosignature_vkey(vkey)
    assert line.startswith("\u2014 ") and line.endswith("\n"), f"bad signature line {line!r}"
    line_name, b64 = line[2:-1].split(" ")
    blob = base64.standard_b64decode(b64)
    assert line_name == name and blob[:4] == keyhash, "not this cosigner's line"
    assert len(blob) == 76, "a cosignature/v1 Ed25519 signature is 76 bytes"
    timestamp = int.from_bytes(blob[4:12], "big")
    signed = b"cosignature/v1\ntime " + str(timestamp).encode() + b"\n" + body.encode("utf-8")
    try:
        Ed25519PublicKey.from_public_bytes(pub).verify(blob[12:], signed)
    except InvalidSignature:
        raise AssertionError(f"bad cosignature by {name}") from None
    return timestamp


def add_checkpoint_request(old: int, proof: list[bytes], signed_note: str) -> bytes:
    """tlog-witness add-checkpoint body: `old N`, the proof hashes in base64 one per line, a blank
    line, the note."""
    head = "old " + str(old) + "\n" + "".join(base64.b64encode(h).decode() + "\n" for h in proof)
    return (head + "\n" + signed_note).encode("utf-8")


# --- C2SP tlog-tiles (https://c2sp.org/tlog-tiles) ---------------------------------------------
#
# "The tile at level L and index N holds the hashes of the tree at height 8L, from index 256N,
# 256 of them in a full tile, fewer (the width W) in the partial rightmost tile. N is encoded as
# groups of three decimal digits, each but the last prefixed with x. Entry bundles hold the
# entries of the level-0 tile of the same index, each as a big-endian uint16 length and the entry."


def tile_index(n: int) -> str:
    """1234067 -> x001/x234/067 (zero-padded to a multiple of three digits)."""
    s = str(n)
    while len(s) % 3:
        s = "0" + s
    parts = [s[i : i + 3] for i in range(0, len(s), 3)]
    return "/".join(["x" + p for p in parts[:-1]] + [parts[-1]])


def tile_name(level, n: int, width: int) -> str:
    name = f"tile/{level}/{tile_index(n)}"
    return name if width == 256 else f"{name}.p/{width}"


def hashes_at_height(leaves: list[bytes], height: int) -> list[bytes]:
    """MTH of every complete, aligned run of 2^height leaves."""
    span = 2**height
    return [mth(leaves[i : i + span]) for i in range(0, len(leaves) - span + 1, span)]


def tlog_tiles(entries: list[bytes]) -> dict[str, bytes]:
    """Every file of a tlog-tiles log of these entries (without the checkpoint): path -> bytes."""
    files = {}
    level = 0
    while True:
        hashes = hashes_at_height(entries, 8 * level)
        if not hashes:
            break
        for n in range(0, len(hashes), 256):
            chunk = hashes[n : n + 256]
            files[tile_name(level, n // 256, len(chunk))] = b"".join(chunk)
        level += 1
    for n in range(0, len(entries), 256):
        chunk = entries[n : n + 256]
        files[tile_name("entries", n // 256, len(chunk))] = b"".join(
            len(e).to_bytes(2, "big") + e for e in chunk
        )
    return files


def root_from_tiles(size: int, files: dict[str, bytes]) -> bytes:
    """The tree's root from the level-0 tiles, and every higher tile checked against them: each
    hash of a level-L tile must be the root of the 256^L leaf hashes below it."""
    leaf_hashes = b""
    for n in range(0, size, 256):
        leaf_hashes += files[tile_name(0, n // 256, min(256, size - n))]
    hashes = [leaf_hashes[i : i + 32] for i in range(0, len(leaf_hashes), 32)]
    assert len(hashes) == size

    def mth_of_hashes(hs: list[bytes]) -> bytes:
        if len(hs) == 1:
            return hs[0]
        k = k_split(len(hs))
        return sha256(b"\x01" + mth_of_hashes(hs[:k]) + mth_of_hashes(hs[k:]))

    level = 1
    while size >> (8 * level):
        count = size >> (8 * level)
        for n in range(0, count, 256):
            width = min(256, count - n)
            tile = files[tile_name(level, n // 256, width)]
            for i in range(width):
                span = 256**level
                below = hashes[(n + i) * span : (n + i + 1) * span]
                assert tile[32 * i : 32 * i + 32] == mth_of_hashes(below), "tile disagrees"
        level += 1
    return mth_of_hashes(hashes) if hashes else sha256(b"")


# --- c2sp.org/tlog-proof@v1 (a removal's portable proof, docs/feed-format.md) ------------------


def root_from_path(m: int, n: int, leaf_hash: bytes, path_hashes: list[bytes]) -> bytes:
    """The root PATH(m, D[n]) leads to, unwinding RFC 6962 2.1.1's recursion from the top: the
    last hash is the sibling subtree at the root's split."""
    if n == 1:
        assert path_hashes == [], "inclusion proof is too long"
        return leaf_hash
    assert path_hashes, "inclusion proof is too short"
    k = k_split(n)
    *rest, sibling = path_hashes
    if m < k:
        return sha256(b"\x01" + root_from_path(m, k, leaf_hash, rest) + sibling)
    return sha256(b"\x01" + sibling + root_from_path(m - k, n - k, leaf_hash, rest))


def verify_tlog_proof(text: str, log_vkey: str, origin: str, receipt_vkeys: list[str]) -> dict:
    """Read and check a tlog-proof: header, optional extra (our leaf), index, hashes, blank line,
    checkpoint. Returns the leaf's fields, the size, and the names whose receipt lines verify."""
    head, checkpoint_note = text.split("\n\n", 1)
    lines = head.split("\n")
    assert lines[0] == "c2sp.org/tlog-proof@v1", "not a tlog-proof"
    assert lines[1].startswith("extra "), "no extra line"
    leaf = base64.standard_b64decode(lines[1][6:])
    assert lines[2].startswith("index "), "no index line"
    index = int(lines[2][6:])
    hashes = [base64.standard_b64decode(line) for line in lines[3:]]
    body, _ = open_note(checkpoint_note, [log_vkey])
    checkpoint = parse_checkpoint(body)
    assert checkpoint["origin"] == origin, "another log's checkpoint"
    assert index < checkpoint["size"]
    leaf_hash = sha256(b"\x00" + leaf)
    assert root_from_path(index, checkpoint["size"], leaf_hash, hashes) == checkpoint["root"]
    signatures = checkpoint_note[checkpoint_note.rindex("\n\n") + 2 :].split("\n")[:-1]
    receipts = []
    for vkey in receipt_vkeys:
        name = vkey.split("+", 1)[0]
        for line in signatures:
            if line.startswith(f"\u2014 {name} "):
                verify_cosignature(body, line + "\n", vkey)
                receipts.append(name)
    return {
        "leaf": leaf_fields(leaf),
        "index": index,
        "size": checkpoint["size"],
        "receipts": receipts,
    }

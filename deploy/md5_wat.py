"""The worker's first MD5 engine: MD5 written directly in WebAssembly text (about a fifth faster
than hash-wasm's clang-compiled C here, docs/browser-hasher.md). `wat()` writes the module's text;
deploy/vendor.py assembles it with wabt's wat2wasm from npm, pinned, so the same text always
gives the same bytes, and vendors them (`python deploy/md5_wat.py` prints the text).

The module exports `memory` and `blocks(p, n)`: MD5's compression function (RFC 1321, 3.4)
over n 64-byte blocks at p, on the state kept as four little-endian words at offset 0. Padding
and the length are the caller's. The tricks: F as d ^ (b & (c ^ d)); G as (b & d) + (c & ~d)
(two ANDs with no bit in common, so + equals |); I as c ^ (b | ~d); i32.rotl; the 16 words in
locals once per block; constants inline; the 64 steps unrolled; a + X[g] + K added before the
round function, so only the last add waits for the previous step.
"""

from __future__ import annotations

import math

SHIFTS = [7, 12, 17, 22] * 4 + [5, 9, 14, 20] * 4 + [4, 11, 16, 23] * 4 + [6, 10, 15, 21] * 4
# T[i] = floor(2^32 * |sin(i + 1)|), RFC 1321 3.4
T = [int(abs(math.sin(i + 1)) * 2**32) for i in range(64)]


def _word(i: int) -> int:
    """The message word step i reads."""
    return [i, (5 * i + 1) % 16, (3 * i + 5) % 16, (7 * i) % 16][i // 16]


def _round_function(i: int, b: str, c: str, d: str) -> str:
    b, c, d = (f"(local.get ${v})" for v in (b, c, d))
    not_d = f"(i32.xor {d} (i32.const -1))"
    return [
        f"(i32.xor {d} (i32.and {b} (i32.xor {c} {d})))",
        f"(i32.add (i32.and {b} {d}) (i32.and {c} {not_d}))",
        f"(i32.xor (i32.xor {b} {c}) {d})",
        f"(i32.xor {c} (i32.or {b} {not_d}))",
    ][i // 16]


def wat() -> str:
    state = [f"offset={4 * j} (i32.const 0)" for j in range(4)]
    out = [
        ";; MD5 compression (RFC 1321, 3.4) over $n 64-byte blocks at $p; the state, four",
        ";; little-endian words, at offset 0. Written by deploy/md5_wat.py.",
        "(module",
        '  (memory (export "memory") 2)',
        '  (func (export "blocks") (param $p i32) (param $n i32)',
        "    (local $a i32) (local $b i32) (local $c i32) (local $d i32)",
        "    (local $a0 i32) (local $b0 i32) (local $c0 i32) (local $d0 i32)",
        "    " + " ".join(f"(local $x{j} i32)" for j in range(16)),
        "    (if (i32.eqz (local.get $n)) (then (return)))",
        *(f"    (local.set ${v} (i32.load {s}))" for v, s in zip("abcd", state, strict=True)),
        "    (loop $block",
        *(f"      (local.set $x{j} (i32.load offset={4 * j} (local.get $p)))" for j in range(16)),
        *(f"      (local.set ${v}0 (local.get ${v}))" for v in "abcd"),
    ]
    a, b, c, d = "abcd"
    for i in range(64):
        k = T[i] - 2**32 if T[i] >= 2**31 else T[i]
        early = f"(i32.add (local.get ${a}) (i32.add (local.get $x{_word(i)}) (i32.const {k})))"
        mixed = f"(i32.add {early} {_round_function(i, b, c, d)})"
        out.append(
            f"      (local.set ${a} (i32.add (local.get ${b})"
            f" (i32.rotl {mixed} (i32.const {SHIFTS[i]}))))"
        )
        a, b, c, d = d, a, b, c
    out += [
        *(f"      (local.set ${v} (i32.add (local.get ${v}) (local.get ${v}0)))" for v in "abcd"),
        "      (local.set $p (i32.add (local.get $p) (i32.const 64)))",
        "      (br_if $block (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))",
        *(f"    (i32.store {s} (local.get ${v}))" for v, s in zip("abcd", state, strict=True)),
        "  ))",
    ]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(wat(), end="")

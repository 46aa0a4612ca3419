"""The feed's formats, implemented once: leaves, the RFC 6962 Merkle tree, signed notes (C2SP),
root-of-trust documents, the active-set digest and the binary wire encodings.

Pure Python on the standard library and `cryptography`: the bank signs with it and members verify
with it. docs/feed-format.md is the specification; tests hold an independent implementation.
"""

"""The offline hasher: `python -m hashbank.hasher FILE...` and the hash-file format.

`hashing` and `document` need only Pillow, numpy, pdqhash and imagehash (no Django), and
`hashing` decodes pixels with `member_portal.imaging` (the one decoder, shared with the member
toolkit), so a person can run the hasher from a plain checkout; `format` is the server's strict
parser.
"""

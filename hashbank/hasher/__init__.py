"""The offline hasher: `python -m hashbank.hasher FILE...` and the hash-file format.

`hashing` and `document` need only Pillow, numpy and imagehash (no Django; PDQ is `member_portal.pdq`, numpy alone), and
`hashing` decodes pixels with `member_portal.imaging` (the one decoder, shared with the member
toolkit), so a person can run the hasher from a plain checkout; `format` is the server's strict
parser.
"""

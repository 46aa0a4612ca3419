"""The reference member client: a verifying sync of the feed into one SQLite file, and a fast
PDQ/MD5 matcher over it. No Django: installable alone as the `hashbank-member` distribution
(toolkit/pyproject.toml). Usage and exit codes: docs/member-toolkit.md."""

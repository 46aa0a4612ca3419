#!/usr/bin/env bash
# Three banks on this machine (own databases, ports, keys and origins) that peer with each other
# with the real commands (createmember --peer, issuecredential, peers add --expect-key), a member
# of bank B, and the federation smoke test (deploy/federation_demo.py).
#
#   bash deploy/federation-demo.sh            # start them and keep them running until Ctrl-C
#   bash deploy/federation-demo.sh --smoke    # run the smoke test; non-zero exit on any failure
#
# Embedded default (SQLite, tasks in-process, the mirror and forwarding schedulers in the server)
# unless DATABASE_URL and REDIS_URL are set: then each bank gets its own PostgreSQL database and
# Redis database, with a Celery worker and beat of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
[ -x "$PY" ] || make -s .venv/.run-installed
exec "$PY" deploy/federation_demo.py "$@"

#!/usr/bin/env bash
# Start hashbank's production topology on this machine (gunicorn web workers, a Celery worker and
# Celery beat, on the local PostgreSQL and Redis, HASHBANK_ENV=production) and keep it running;
# with --smoke, run deploy/smoke.py against it and stop everything afterwards.
#
#   bash deploy/local-production.sh            # serve on http://127.0.0.1:8765 until Ctrl-C
#   bash deploy/local-production.sh --smoke    # what CI runs
#   bash deploy/local-production.sh --reliability
#       # what CI runs next: deploy/reliability.py starts the same topology (these settings, its
#       # own Redis, a proxy in front of PostgreSQL it can make refuse, its own queue) and runs 50
#       # submitters through a worker kill mid-seal, a Redis stop and a database outage
set -euo pipefail
cd "$(dirname "$0")/.."

SMOKE=0
[ "${1:-}" = "--smoke" ] && SMOKE=1
PY=${PY:-.venv/bin/python}
[ -x "$PY" ] || make -s .venv/.run-installed
if [ "${1:-}" = "--reliability" ]; then
    RELIABILITY_PG=${SMOKE_PG:-postgres://postgres@127.0.0.1:5432} exec "$PY" deploy/reliability.py
fi
PORT=${SMOKE_PORT:-8765}
PGURL=${SMOKE_PG:-postgres://postgres@127.0.0.1:5432}
DB=hashbank_production_smoke
RUN_DIR=$(mktemp -d /tmp/hashbank-production.XXXXXX)
PIDS=()

cleanup() {
    for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ "$SMOKE" = 1 ]; then rm -rf "$RUN_DIR"; fi
}
trap cleanup EXIT INT TERM

psql "$PGURL/postgres" -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null

export HASHBANK_ENV=production
export SECRET_KEY=$($PY -c 'import secrets; print(secrets.token_urlsafe(64))')
export ALLOWED_HOSTS=127.0.0.1,localhost
export HASHBANK_ORIGIN=localhost/hashbank-production-smoke
export HASHBANK_PUBLIC_URL=http://127.0.0.1:$PORT
export DATABASE_URL=$PGURL/$DB
export REDIS_URL=${SMOKE_REDIS:-redis://127.0.0.1:6379/14}
export HASHBANK_VAR_DIR=$RUN_DIR/var
export HASHBANK_KEY_DIR=$RUN_DIR/keys
export STATIC_ROOT=$RUN_DIR/static
export CELERY_QUEUE=hashbank-smoke-$$
# The smoke test's requests come through "a proxy" on loopback naming the person's address in
# X-Forwarded-For (deploy/smoke.py): the log scan then knows what a leaked address looks like.
export HASHBANK_TRUSTED_PROXIES=127.0.0.1
# The smoke test sends one case and waits for its seal: with production's minimum mix (5 cases,
# docs/operations.md) it would wait the 300 s maximum delay. A real deployment keeps the default.
export HASHBANK_SEAL_MIN_MIX=${HASHBANK_SEAL_MIN_MIX:-1}
# Plain HTTP on loopback only: TLS is nginx's job in a real deployment (deploy/nginx).
export SECURE_SSL_REDIRECT=false
export GUNICORN_BIND=127.0.0.1:$PORT GUNICORN_WORKERS=2 GUNICORN_ACCESSLOG=$RUN_DIR/access.log
mkdir -p "$HASHBANK_VAR_DIR"

echo "run dir: $RUN_DIR"
SECURE_SSL_REDIRECT=true $PY manage.py check --deploy --fail-level WARNING
$PY manage.py migrate --no-input -v0
$PY manage.py collectstatic --no-input -v0
$PY manage.py firststart --admin "smoke-admin-$$" > "$RUN_DIR/firststart.txt"
grep -A1 "Demo member credential" "$RUN_DIR/firststart.txt" | tail -n1 | tr -d ' ' > "$RUN_DIR/member-token"

.venv/bin/gunicorn hashbank.wsgi:application -c deploy/gunicorn.conf.py > "$RUN_DIR/web.log" 2>&1 &
PIDS+=($!)
.venv/bin/celery -A hashbank worker -Q "$CELERY_QUEUE" --concurrency=2 -n "smoke-$$@%h" --loglevel=INFO > "$RUN_DIR/worker.log" 2>&1 &
PIDS+=($!)
.venv/bin/celery -A hashbank beat --loglevel=INFO --schedule="$RUN_DIR/celerybeat-schedule" > "$RUN_DIR/beat.log" 2>&1 &
PIDS+=($!)

for _ in $(seq 60); do
    curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
    sleep 1
done

# The production nginx file (deploy/nginx/hashbank.conf, plain HTTP on loopback) in front, when
# nginx is installed: the smoke test then reads the tlog-tiles (/log/) through it.
LOG_BASE=()
NGINX=$(command -v nginx || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true)
if [ "$SMOKE" = 1 ] && [ -n "$NGINX" ]; then
    NGINX_PORT=$((PORT + 1))
    $PY deploy/nginx/local.py "$RUN_DIR" "$HASHBANK_VAR_DIR/tiles" "$NGINX_PORT" "$PORT" > "$RUN_DIR/nginx.conf"
    "$NGINX" -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" > "$RUN_DIR/nginx.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 30); do
        curl -sS -o /dev/null "http://127.0.0.1:$NGINX_PORT/log/checkpoint" 2>/dev/null && break
        sleep 1
    done
    LOG_BASE=(--log-base "http://127.0.0.1:$NGINX_PORT")
    echo "nginx in front on http://127.0.0.1:$NGINX_PORT (/log/ checked through it)"
elif [ "$SMOKE" = 1 ]; then
    echo "nginx is not installed: /log/ is checked through gunicorn only"
fi

if [ "$SMOKE" = 1 ]; then
    if ! $PY deploy/smoke.py "http://127.0.0.1:$PORT" --member-token-file "$RUN_DIR/member-token" \
            --secrets-out "$RUN_DIR/secrets.json" "${LOG_BASE[@]}"; then
        echo "--- web.log";    tail -n 50 "$RUN_DIR/web.log"
        echo "--- worker.log"; tail -n 50 "$RUN_DIR/worker.log"
        echo "--- beat.log";   tail -n 20 "$RUN_DIR/beat.log"
        exit 1
    fi
    # Every log of every process (web, worker, beat, nginx): no client address, token, hash
    # value, case number or PIN, and none of the values the smoke test sent.
    $PY deploy/log_scan.py "$RUN_DIR" --secrets "$RUN_DIR/secrets.json"
    echo "production smoke test passed"
else
    echo "hashbank (production topology) on http://127.0.0.1:$PORT ; logs in $RUN_DIR ; Ctrl-C stops"
    wait
fi

"""gunicorn settings for hashbank's web workers. Every value can be overridden by the environment."""

import gc
import multiprocessing
import os
import sys
from pathlib import Path

from gunicorn.glogging import Logger

# gunicorn reads this file before it puts its working directory on sys.path: the checkout's root
# first, so that the redaction filter below imports whether or not the bank is pip-installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from hashbank.core.logging import RedactFilter  # noqa: E402

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
# A worker should take a connection only when it can start on it at once: then a request waits in
# the kernel's accept queue for whichever worker frees first. The sync worker (one thread) does
# that. gthread would accept up to worker_connections connections and queue them behind its own
# busy threads while other workers idle, so it may take only as many as it has threads (at 270
# closed-loop submissions/s, p99 185 ms with gthread's default of 1000 against 74 ms with sync).
# Slow clients never hold a worker for long: nginx buffers requests and responses
# (deploy/nginx/hashbank.conf).
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync" if threads == 1 else "gthread")
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", threads))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
# No keep-alive: each request comes on a new connection, which the kernel hands to a worker that
# is waiting in accept(), that is, an idle one. A kept-alive connection stays with the worker that
# accepted it, so behind a proxy that reuses upstream connections its next request would queue
# behind that worker's current one while other workers idle (at 150 submissions/s on 2 cores, p99
# 475 ms with keep-alive against 47 ms without). A new loopback connection costs microseconds.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 0))
max_requests = 10000
max_requests_jitter = 1000
preload_app = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Access log without the client address (%(h)s) or the query string: victims' IPs are never logged.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
access_log_format = (
    '{"time":"%(t)s","method":"%(m)s","path":"%(U)s","status":%(s)s,'
    '"bytes":"%(B)s","duration_ms":%(M)s}'
)
errorlog = "-"


class RedactingLogger(Logger):
    """gunicorn's error and access logs through the bank's redaction filter: the error log names
    the client's address in its own messages ("Invalid request from ip=..."), and both could
    carry a path with a token or a case number (hashbank/core/logging.py)."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.addFilter(RedactFilter())


logger_class = RedactingLogger


def pre_fork(server, worker):
    # Everything the preloaded app allocated lives as long as the worker: frozen, the collector
    # never walks it again, which keeps collections short and pages shared with the master.
    gc.freeze()


# A worker's first requests build what Django makes lazily (URL resolvers, template and translation
# caches, database and Redis connections), which then also lives as long as the worker. Frozen once
# those requests are served, it is no longer walked by full collections, which under load took
# 20-60 ms each before and about 1 ms after.
FREEZE_AFTER_REQUESTS = 200


def post_request(worker, req, environ, resp):
    if worker.nr == FREEZE_AFTER_REQUESTS:
        gc.collect()
        gc.freeze()

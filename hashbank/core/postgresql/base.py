"""Django's PostgreSQL backend, but a kept connection is checked without a round trip.

With CONN_HEALTH_CHECKS, Django runs SELECT 1 on a kept connection before each request uses it:
one more round trip and statement on every request, including every submission. Between
requests an idle connection has nothing to read. When the server ends it (a restart, an idle
timeout, pg_terminate_backend), it sends its goodbye and closes the socket, which makes the
socket readable; only then is Django's SELECT 1 run. (go-sql-driver/mysql checks connections
the same way.) A peer that vanished without closing is caught by neither check until TCP gives
up, so nothing is lost.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed:
            return False
        try:
            readable, _, _ = select.select([self.connection.fileno()], [], [], 0)
        except (OSError, ValueError):  # the socket is gone
            return False
        return super().is_usable() if readable else True

"""What several benchmarks share: their own scratch PostgreSQL database and Redis db, and waiting
for the gunicorn they start. Not a benchmark itself
(`make bench` runs only bench/[!_]*.py)."""

from __future__ import annotations


def recreate_database(url: str) -> None:
    """Drop and create the database at `url` (the benchmark's own; nothing else may use it)."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')
        conn.execute(f'create database "{name}"')


def claim_redis(url: str, *, flush: bool) -> None:
    """Take the Redis db at `url` for the benchmark: refused if it holds any key, unless `flush`
    (the benchmark's --flush) says its contents may be deleted. A benchmark never empties a db
    it did not check was its own: the bank's keys have no prefix of their own to delete by."""
    import redis

    client = redis.Redis.from_url(url)
    held = client.dbsize()
    if held and not flush:
        raise SystemExit(
            f"the Redis db given holds {held} keys: name an empty db for the benchmark, or pass "
            "--flush to delete them first"
        )
    if held:
        client.flushdb()


def release_redis(url: str) -> None:
    """Delete what the benchmark wrote into the db `claim_redis` found empty (or emptied)."""
    import redis

    redis.Redis.from_url(url).flushdb()


def wait_for_server(port: int, server, timeout: float) -> None:
    """Until something accepts on 127.0.0.1:`port`; exits if `server` (a Popen) ends first or
    `timeout` seconds pass."""
    import socket
    import time

    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("gunicorn did not start") from None
            time.sleep(0.2)


def serve_pages(pages: dict[str, tuple[bytes, str]], directory: str):
    """A local HTTP server, in a thread of this process, for a browser benchmark: `pages` maps a
    path to (body, content type); every other path is a file under `directory` (the static
    files), `.js` served as JavaScript. Returns the running server (`server_address` for its port)."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Handler(SimpleHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            if self.path in pages:
                body, ctype = pages[self.path]
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.end_headers()
                self.wfile.write(body)
            else:
                super().do_GET()

        def guess_type(self, path: str) -> str:  # type: ignore[override]
            return "text/javascript" if str(path).endswith(".js") else super().guess_type(path)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=directory))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server

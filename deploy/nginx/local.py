"""Write an nginx.conf that runs deploy/nginx/hashbank.conf on this machine, for
deploy/local-production.sh --smoke: plain HTTP on a loopback port instead of TLS, the run
directory's tiles and logs instead of /var/lib and /var/log, gunicorn's port as the upstream.
Everything else (the /log/ blocks, the proxy) is the production file, unchanged.

    python deploy/nginx/local.py RUN_DIR TILES_DIR LISTEN_PORT UPSTREAM_PORT > RUN_DIR/nginx.conf
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

CONF = Path(__file__).resolve().with_name("hashbank.conf")
# The production file's level, for the main context too (nginx's start-up messages).
ERROR_LOG_LEVEL = re.search(r"error_log \S+ (\w+);", CONF.read_text()).group(1)


def local_conf(run_dir: str, tiles_dir: str, port: int, upstream: int) -> str:
    text = CONF.read_text()
    text = text[: text.index("server {\n    listen 80;")]  # the HTTPS redirect has no use here
    text = text.replace("listen 443 ssl;", f"listen 127.0.0.1:{port};")
    text = re.sub(r"\n\s*(http2 on|ssl_certificate(_key)?\s[^;]*);", "", text)
    text = text.replace("/var/lib/hashbank/tiles/", f"{tiles_dir.rstrip('/')}/")
    text = text.replace("/var/log/nginx/hashbank.access.log", f"{run_dir}/nginx-access.log")
    text = text.replace("/var/log/nginx/hashbank.error.log", f"{run_dir}/nginx-error.log")
    text = text.replace("server 127.0.0.1:8000", f"server 127.0.0.1:{upstream}")
    temp = "".join(
        f"    {name}_temp_path {run_dir}/nginx-{name};\n"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers read the run dir's files
    return (
        f"{user}daemon off;\nworker_processes 1;\npid {run_dir}/nginx.pid;\n"
        f"error_log {run_dir}/nginx-error.log {ERROR_LOG_LEVEL};\nevents {{}}\n"
        f"http {{\n{temp}{text}}}\n"
    )


if __name__ == "__main__":
    run_dir, tiles_dir, port, upstream = sys.argv[1:]
    sys.stdout.write(local_conf(run_dir, tiles_dir, int(port), int(upstream)))

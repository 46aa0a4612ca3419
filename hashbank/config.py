"""Read hashbank's configuration from the environment.

Kept free of Django imports so that it can be tested alone and so that a bad value fails at
start-up with a plain message instead of deep inside a request.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit


class ConfigError(Exception):
    """A setting is missing or malformed; the message says which and how to fix it."""


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}
DATABASE_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql"}


def env_bool(environ: dict[str, str], name: str, default: bool = False) -> bool:
    raw = environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean; use true or false.")


def env_int(environ: dict[str, str], name: str, default: int) -> int:
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number.") from None


def env_float(environ: dict[str, str], name: str, default: float) -> float:
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number (seconds, e.g. 1 or 0.5).") from None
    if not value > 0:
        raise ConfigError(f"{name}={raw!r} must be more than 0 seconds.")
    return value


def env_file(environ: dict[str, str], name: str) -> str:
    """A path to a file that must exist when set (read later, at each use); "" when unset."""
    raw = environ.get(name, "").strip()
    if raw and not Path(raw).is_file():
        raise ConfigError(f"{name}={raw!r} names no file: give the path of an existing file.")
    return raw


def env_list(environ: dict[str, str], name: str, default: list[str]) -> list[str]:
    raw = environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def parse_database_url(url: str, *, prepared_statements: bool = True) -> dict:
    """Turn DATABASE_URL into Django's DATABASES['default'], with a clear error when it is wrong.

    On PostgreSQL, `prepared_statements` lets hashbank.core.db prepare its hot statements once per
    connection (Django's own cursors bind on the client and are never prepared); turn it off
    behind a pooler that cannot keep prepared statements.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.split("+")[0]
    if scheme not in DATABASE_SCHEMES:
        raise ConfigError(
            f"DATABASE_URL has an unsupported scheme {parts.scheme!r}: "
            "use postgres://user@host:5432/name or sqlite:///path/to/file.sqlite3."
        )
    if scheme != "sqlite":
        try:
            parts.port  # noqa: B018 - raises ValueError for a non-numeric port
        except ValueError:
            raise ConfigError("DATABASE_URL has a port that is not a number.") from None
    import dj_database_url

    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj-database-url raises several kinds for malformed URLs
        raise ConfigError(f"DATABASE_URL could not be read: {exc}") from None
    if not config.get("NAME"):
        raise ConfigError("DATABASE_URL names no database: add it after the last slash.")
    if scheme != "sqlite":
        if not parts.hostname and not config.get("HOST"):
            raise ConfigError("DATABASE_URL names no host: postgres://user@host:5432/name.")
        config["TEST"] = {"NAME": f"test_{config['NAME']}"}
        config["ENGINE"] = "hashbank.core.postgresql"  # Django's, checked without a round trip
        # psycopg prepares a statement on its first use with prepare=True; None never prepares.
        config.setdefault("OPTIONS", {})["prepare_threshold"] = 5 if prepared_statements else None
    else:
        config.pop("CONN_HEALTH_CHECKS", None)
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    return config


def parse_redis_url(url: str | None) -> str | None:
    if url is None or url.strip() == "":
        return None
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss", "unix"}:
        raise ConfigError(
            f"REDIS_URL has an unsupported scheme {parts.scheme!r}: use redis://host:6379/0."
        )
    if parts.scheme != "unix" and not parts.hostname:
        raise ConfigError("REDIS_URL names no host: redis://host:6379/0.")
    return url


def secret_key(environ: dict[str, str], production: bool, var_dir: Path) -> str:
    """SECRET_KEY from the environment; in embedded mode, generated once and kept under var/."""
    key = environ.get("SECRET_KEY", "").strip()
    if key:
        if production and len(key) < 50:
            raise ConfigError("SECRET_KEY must be at least 50 characters in production.")
        return key
    if production:
        raise ConfigError("SECRET_KEY is required when HASHBANK_ENV=production.")
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def origin(environ: dict[str, str], production: bool) -> str:
    """The bank's public name: the origin line of every checkpoint (C2SP: a schema-less URL)."""
    value = environ.get("HASHBANK_ORIGIN", "").strip()
    if not value:
        if production:
            raise ConfigError(
                "HASHBANK_ORIGIN is required in production, e.g. hashbank.example.org/log."
            )
        return "localhost/hashbank"
    if "://" in value or any(ch.isspace() for ch in value) or "+" in value:
        raise ConfigError(
            "HASHBANK_ORIGIN must be a schema-less name without spaces or '+', "
            "e.g. hashbank.example.org/log."
        )
    return value


def language_urls(environ: dict[str, str], name: str, default: dict[str, str]) -> dict[str, str]:
    """`en=https://a.example/,es=https://b.example/` -> {"en": ..., "es": ...}; every address
    must be https (a quick exit must never land on a page that warns about its certificate)."""
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return dict(default)
    urls = {}
    for item in raw.split(","):
        language, sep, url = item.strip().partition("=")
        if not sep or not language.strip() or not url.strip().startswith("https://"):
            raise ConfigError(
                f"{name}: {item.strip()!r} is not language=https://address; "
                "e.g. en=https://www.bbc.com/weather,es=https://www.eltiempo.es/"
            )
        urls[language.strip().lower()] = url.strip()
    return urls

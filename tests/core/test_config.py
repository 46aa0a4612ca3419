import subprocess
import sys
from pathlib import Path

import pytest

from hashbank import config

ROOT = Path(__file__).resolve().parents[2]


def test_sqlite_url_becomes_a_sqlite_database(tmp_path):
    db = config.parse_database_url(f"sqlite:///{tmp_path}/db.sqlite3")
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == f"{tmp_path}/db.sqlite3"


def test_postgres_url_becomes_a_postgresql_database():
    db = config.parse_database_url("postgres://postgres@127.0.0.1:5432/hashbank")
    assert db["ENGINE"] == "hashbank.core.postgresql"  # Django's, see hashbank/core/postgresql
    assert (db["HOST"], db["PORT"], db["NAME"], db["USER"]) == (
        "127.0.0.1",
        5432,
        "hashbank",
        "postgres",
    )


def test_postgres_hot_statements_are_prepared_unless_turned_off():
    url = "postgres://postgres@127.0.0.1:5432/hashbank"
    assert config.parse_database_url(url)["OPTIONS"]["prepare_threshold"] == 5
    off = config.parse_database_url(url, prepared_statements=False)
    assert off["OPTIONS"]["prepare_threshold"] is None


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("mysql://root@localhost/hashbank", "unsupported scheme"),
        ("not a url", "unsupported scheme"),
        ("postgres://postgres@127.0.0.1:5432/", "names no database"),
        ("postgres://postgres@127.0.0.1:port/hashbank", "port"),
    ],
)
def test_malformed_database_url_is_refused_with_a_plain_reason(url, fragment):
    with pytest.raises(config.ConfigError, match=fragment):
        config.parse_database_url(url)


def test_bad_database_url_stops_manage_py_with_a_clear_message_not_a_traceback():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "mysql://root@localhost/hashbank"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "configuration error: DATABASE_URL has an unsupported scheme" in result.stderr
    assert "Traceback" not in result.stderr


def test_redis_url_must_name_a_redis_server():
    assert config.parse_redis_url(None) is None
    assert config.parse_redis_url("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"
    with pytest.raises(config.ConfigError, match="unsupported scheme"):
        config.parse_redis_url("http://127.0.0.1:6379")


def test_production_requires_a_secret_key(tmp_path):
    with pytest.raises(config.ConfigError, match="SECRET_KEY is required"):
        config.secret_key({}, True, tmp_path)


def test_embedded_secret_key_is_generated_once_and_kept(tmp_path):
    first = config.secret_key({}, False, tmp_path)
    assert len(first) >= 50
    assert config.secret_key({}, False, tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_origin_must_be_a_schemaless_name():
    assert (
        config.origin({"HASHBANK_ORIGIN": "bank.example.org/log"}, True) == "bank.example.org/log"
    )
    with pytest.raises(config.ConfigError, match="schema-less"):
        config.origin({"HASHBANK_ORIGIN": "https://bank.example.org"}, True)
    with pytest.raises(config.ConfigError, match="required in production"):
        config.origin({}, True)


@pytest.mark.parametrize("raw", ["maybe", "2"])
def test_boolean_settings_refuse_words_that_are_not_booleans(raw):
    with pytest.raises(config.ConfigError, match="not a boolean"):
        config.env_bool({"DEBUG": raw}, "DEBUG")


def test_production_settings_pass_djangos_deployment_checks(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "HASHBANK_ENV": "production",
        "SECRET_KEY": "x" * 64 + "-production-check-key-Zq9",
        "ALLOWED_HOSTS": "bank.example.org",
        "HASHBANK_ORIGIN": "bank.example.org/log",
        "HASHBANK_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_a_witness_policy_path_must_name_an_existing_file(tmp_path):
    policy = tmp_path / "policy.txt"
    with pytest.raises(config.ConfigError, match="HASHBANK_WITNESS_POLICY=.* names no file"):
        config.env_file({"HASHBANK_WITNESS_POLICY": str(policy)}, "HASHBANK_WITNESS_POLICY")
    policy.write_text("quorum none\n")
    assert config.env_file({"HASHBANK_WITNESS_POLICY": str(policy)}, "HASHBANK_WITNESS_POLICY")
    assert config.env_file({}, "HASHBANK_WITNESS_POLICY") == ""


@pytest.mark.parametrize("raw", ["soon", "0", "-1"])
def test_a_timeout_in_seconds_is_a_positive_number(raw):
    with pytest.raises(config.ConfigError, match="HASHBANK_PUBLISH_TIMEOUT"):
        config.env_float({"HASHBANK_PUBLISH_TIMEOUT": raw}, "HASHBANK_PUBLISH_TIMEOUT", 5.0)
    env = {"HASHBANK_PUBLISH_TIMEOUT": "0.5"}
    assert config.env_float(env, "HASHBANK_PUBLISH_TIMEOUT", 5.0) == 0.5

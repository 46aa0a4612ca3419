"""Fixtures for the member-platform tests: members, credentials and an API client with a token.

Imported by the conftest.py of tests/members, api, reports, disputes, webhooks, stopncii, portal.
"""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture(autouse=True)
def fast_token_hasher(settings, request):
    """Tokens are stored with PBKDF2 in production (see test_credential_storage.py, which opts
    out of this fixture); the other tests use a fast hasher so each need not spend 0.3 s."""
    if "real_hasher" in request.fixturenames:
        return
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit counters live in the cache; start every test from zero."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def real_hasher() -> None:
    """Request this fixture to keep the production password hashers."""


@pytest.fixture
def member(db):
    from member_portal.members import services

    return services.create_member(slug="acme", name="Acme Video")


@pytest.fixture
def other_member(db):
    from member_portal.members import services

    return services.create_member(slug="globex", name="Globex Social")


@pytest.fixture
def token(member) -> str:
    from member_portal.members import services

    return services.issue_credential(member=member)[1]


@pytest.fixture
def other_token(other_member) -> str:
    from member_portal.members import services

    return services.issue_credential(member=other_member)[1]


class ApiClient(Client):
    """A test client that sends `Authorization: Bearer <token>` on every request."""

    def __init__(self, token: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.token = token

    def request(self, **request):
        if self.token:
            request.setdefault("HTTP_AUTHORIZATION", f"Bearer {self.token}")
        return super().request(**request)


@pytest.fixture
def api(token) -> ApiClient:
    return ApiClient(token)


@pytest.fixture
def other_api(other_token) -> ApiClient:
    return ApiClient(other_token)


PDQ_VALUES = [
    # Random-looking, non-degenerate PDQ hashes (64 hex digits each).
    "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22",
    "d8f8f0cce0f4e84f06370a32038f63f0b36e3ed596621e1d33e6b39c4e9c9b20",
    "a5f0a457bb90a3a8e1f2c43d7d8e5f60718293a4b5c6d7e8f90a1b2c3d4e5f61",
    "9c1e6a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7",
]
MD5_VALUE = "9e107d9d372bb6826bd81d3542a419d6"


@pytest.fixture
def signing_key(settings, tmp_path):
    """A fresh signing key and root document in a temporary key directory."""
    import io

    from django.core.management import call_command

    settings.HASHBANK_KEY_DIR = tmp_path / "keys"
    settings.HASHBANK_SIGNING_KEYS = ""
    call_command("keys", "init", stdout=io.StringIO())
    return settings.HASHBANK_KEY_DIR


ATTESTATIONS = {"adult": True, "depicted": True, "consent": True}


@pytest.fixture
def publish(db, signing_key, django_capture_on_commit_callbacks):
    """publish(values) submits a case holding the (type, value) pairs and seals a checkpoint;
    returns (case, checkpoint). `seal()` seals again (e.g. after a withdrawal)."""
    from hashbank.cases import services as cases
    from hashbank.ledger import services as ledger

    def publish(values=None):
        values = values if values is not None else [("pdq", v) for v in PDQ_VALUES]
        hashes = [
            {"type": t, "value": v, **({"quality": 90} if t == "pdq" else {})} for t, v in values
        ]
        with django_capture_on_commit_callbacks(execute=False):
            case, _pin = cases.submit_case(hashes=hashes, attestations=ATTESTATIONS)
        return case, ledger.seal()

    publish.seal = ledger.seal
    return publish


@pytest.fixture
def published(publish):
    """The four PDQ_VALUES published in one checkpoint: (case, checkpoint)."""
    return publish()

import json
import secrets

import pytest
from django.core.cache import cache
from django.test import Client

from hashbank.core.redis import shared_client
from hashbank.ledger import roots

ATTESTED = {"adult": True, "depicted": True, "consent": True}


def md5() -> dict:
    return {"type": "md5", "value": secrets.token_hex(16)}


def pdq(quality: int = 90) -> dict:
    return {"type": "pdq", "value": secrets.token_hex(32), "quality": quality}


@pytest.fixture(autouse=True)
def _fresh_throttles(settings):
    def clear():
        cache.clear()
        client = shared_client()
        if client is not None:
            for key in client.scan_iter("hashbank:throttle:*"):
                client.delete(key)

    clear()
    yield
    clear()


@pytest.fixture
def browser_client(db):
    """A client that enforces CSRF as a browser meets it: token from the page, sent as a header."""
    client = Client(enforce_csrf_checks=True)
    client.get("/submit/")
    client.token = client.cookies["csrftoken"].value
    return client


def post_json(client: Client, path: str, body, **extra):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(
        path, data, content_type="application/json", HTTP_X_CSRFTOKEN=client.token, **extra
    )


@pytest.fixture
def signing_key(settings, tmp_path):
    """A ledger signing key and root document, so that submissions get sealed as in production."""

    settings.HASHBANK_KEY_DIR = tmp_path / "keys"
    roots.init_keys()
    return settings.HASHBANK_KEY_DIR

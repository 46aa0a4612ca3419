import json
from urllib.parse import urlencode

import pytest
from django.test import Client


@pytest.fixture
def no_cooling_off(settings):
    """Withdrawals take effect at once (HASHBANK_WITHDRAWAL_COOLING_OFF = 0), as before the
    cooling-off period existed."""
    settings.HASHBANK_WITHDRAWAL_COOLING_OFF = 0


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


def post_form(client: Client, path: str, data: dict, **extra):
    """A plain form as a browser sends it. The victim routes refuse multipart bodies, which is
    what `client.post(path, {...})` sends by default (hashbank.core.middleware.NoUploadMiddleware).
    """
    return client.post(
        path, urlencode(data), content_type="application/x-www-form-urlencoded", **extra
    )


def open_case(client: Client, case, pin: str):
    """Case number + PIN on the status form, then the redirect to the case's page (the view
    lives in the `hb_case` cookie)."""
    return post_form(client, "/status/", {"case_number": case.number, "pin": pin}, follow=True)

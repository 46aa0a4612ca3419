"""A bank that cannot reach its database answers 503 with Retry-After and a registered code, not a
500 (issue 17: deploy/reliability.py's database outage turned about 700 submissions into 500s).
The outage is real: the test's connection is pointed at a loopback port where nothing listens."""

import pytest
from django.db import connection
from django.test import Client

from tests.fixtures.outages import database_refusing
from tests.fixtures.values import ATTESTED, md5, pdq
from tests.submissions.conftest import post_form, post_json

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the in-memory SQLite test database cannot be made unreachable (its connection is "
    "never closed)",
)


@pytest.fixture
def database_refuses(transactional_db):
    """A browser that loaded the submission page, then a database that refuses connections."""
    client = Client(enforce_csrf_checks=True)
    client.get("/submit/")
    client.token = client.cookies["csrftoken"].value
    with database_refusing():
        yield client


def test_a_submission_while_the_database_refuses_is_a_503_with_retry_after(database_refuses):
    response = post_json(
        database_refuses,
        "/api/v1/submissions",
        {"hashes": [pdq(), md5()], "attestations": ATTESTED},
    )
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "temporarily_unavailable"
    assert int(response["Retry-After"]) > 0


def test_a_page_while_the_database_refuses_is_a_503_with_retry_after(database_refuses):
    response = post_form(
        database_refuses,
        "/status/",
        {
            "case_number": "HB-7K3M-9QX2",
            "pin": "1234-5678-9012",
            "csrfmiddlewaretoken": database_refuses.token,
        },
    )
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "try again" in response.content.decode()


def test_a_member_poll_while_the_database_refuses_is_a_503_with_retry_after(
    token, database_refuses
):
    """The member API passes the browser middlewares by (hashbank/core/browser_middleware.py),
    not this one."""
    response = Client().get("/api/v1/sync", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "temporarily_unavailable"
    assert int(response["Retry-After"]) > 0

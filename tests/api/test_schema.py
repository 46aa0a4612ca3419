"""The generated OpenAPI schema, and schemathesis against it: no 5xx, no schema violations."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.fixtures.values import PDQ_VALUES

MEMBER_PATHS = r"^/api/(v1/(checkpoint|entries|proofs|roots|keys|snapshot|sync|reports|disputes|benign)|stopncii/)"


def test_schema_is_served_and_lists_the_member_endpoints(client, db):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/v1/checkpoint",
        "/api/v1/entries",
        "/api/v1/reports",
        "/api/v1/disputes",
        "/api/v1/benign",
        "/api/v1/sync/ack",
        "/api/stopncii/v1/FetchHashes",
    ]:
        assert path in paths


def test_swagger_ui_loads_only_local_files_and_no_inline_script(client, db):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower() and "https://" not in html
    assert "<script>" not in html.replace(" ", "")  # every script has a src


@pytest.fixture
def wsgi_schema(db):
    """The schema, called in-process through the real WSGI application. As Django's test client
    does, keep the test's database connection open across requests (it holds the test's
    transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from hashbank.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.from_wsgi("/api/v1/schema/?format=json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


schema = schemathesis.from_pytest_fixture("wsgi_schema")


@pytest.fixture
def fuzz_token(published, member, token):
    from hashbank.disputes import services as disputes
    from member_portal.api import services as snapshots
    from member_portal.reports import services as reports

    reports.submit_report(member=member, signal_type="pdq", value=PDQ_VALUES[0], action="removed")
    disputes.raise_dispute(member=member, signal_type="pdq", value=PDQ_VALUES[1], reason="other")
    snapshots.build_snapshot()
    return token


@schema.include(path_regex=MEMBER_PATHS).parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_conforms_to_its_schema(case, fuzz_token, member):
    headers = {
        "Authorization": f"Bearer {fuzz_token}",
        "x-functions-key": fuzz_token,
        "Ocp-Apim-Subscription-Key": member.slug,
    }
    case.call_and_validate(
        headers=headers,
        checks=(
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ),
    )

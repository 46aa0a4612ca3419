"""A credential that may only write reports cannot ask whether the bank holds a value
(issue 17): a report, dispute or StopNCII feedback names the value, and the answer (created or
unknown_signal) would tell. Only a credential that can read the feed may name values."""

from __future__ import annotations

import pytest
from django.test import Client

from member_portal.members import services as member_services
from tests.fixtures.members import ApiClient
from tests.fixtures.values import PDQ_VALUES, random_pdq

REPORTS_ONLY = ["reports:write"]


@pytest.mark.parametrize("value", [PDQ_VALUES[0], random_pdq()], ids=["held", "not-held"])
@pytest.mark.parametrize(
    ("path", "extra"),
    [
        ("/api/v1/reports", {"action": "removed"}),
        ("/api/v1/disputes", {"reason": "false_positive"}),
        ("/api/v1/benign", {}),
    ],
    ids=["report", "dispute", "benign"],
)
def test_a_reports_only_credential_gets_the_same_refusal_for_a_held_and_an_unknown_value(
    published, member, path, extra, value
):
    _, token = member_services.issue_credential(member=member, scopes=REPORTS_ONLY)
    response = ApiClient(token).post(
        path, {"signal_type": "pdq", "value": value, **extra}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"


@pytest.mark.parametrize("value", [PDQ_VALUES[0], random_pdq()], ids=["held", "not-held"])
def test_a_reports_only_function_key_cannot_probe_values_through_submit_feedback(
    published, member, value
):
    _, token = member_services.issue_credential(member=member, scopes=REPORTS_ONLY)
    response = Client().post(
        "/api/stopncii/v1/SubmitFeedback",
        {"count": 1, "hashFeedbacks": [{"hashValue": value, "feedbackValue": "Blocked"}]},
        content_type="application/json",
        HTTP_X_FUNCTIONS_KEY=token,
        HTTP_OCP_APIM_SUBSCRIPTION_KEY="acme",
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"


def test_a_credential_with_both_scopes_still_reports_a_match(published, member):
    _, token = member_services.issue_credential(member=member)
    response = ApiClient(token).post(
        "/api/v1/reports",
        {"signal_type": "pdq", "value": PDQ_VALUES[0], "action": "removed"},
        content_type="application/json",
    )
    assert response.status_code == 201


def test_a_reports_only_credential_still_lists_its_own_reports(member):
    _, token = member_services.issue_credential(member=member, scopes=REPORTS_ONLY)
    assert ApiClient(token).get("/api/v1/reports").status_code == 200

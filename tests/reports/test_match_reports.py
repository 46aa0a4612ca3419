from tests.fixtures.values import PDQ_VALUES

REPORT = {"signal_type": "pdq", "value": PDQ_VALUES[0], "action": "blocked_upload", "distance": 4}


def test_member_reports_a_match_on_a_published_signal(published, api):
    response = api.post("/api/v1/reports", REPORT, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["action"] == "blocked_upload" and body["value"] == PDQ_VALUES[0]
    assert api.get(f"/api/v1/reports/{body['id']}").json()["id"] == body["id"]


def test_retry_with_the_same_idempotency_key_returns_the_first_report(published, api):
    first = api.post(
        "/api/v1/reports", REPORT, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc-1"
    )
    again = api.post(
        "/api/v1/reports", REPORT, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc-1"
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert len(api.get("/api/v1/reports").json()["reports"]) == 1


def test_same_idempotency_key_with_another_body_is_a_conflict(published, api):
    api.post(
        "/api/v1/reports", REPORT, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc-2"
    )
    response = api.post(
        "/api/v1/reports",
        {**REPORT, "action": "removed"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="abc-2",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_reused"


def test_report_on_an_unknown_signal_is_404(published, api):
    response = api.post(
        "/api/v1/reports", {**REPORT, "value": "0" * 63 + "1"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_signal"


def test_invalid_action_is_a_coded_400(published, api):
    response = api.post(
        "/api/v1/reports", {**REPORT, "action": "deleted"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"


def test_member_never_sees_another_members_reports(published, api, other_api):
    report_id = api.post("/api/v1/reports", REPORT, content_type="application/json").json()["id"]
    assert other_api.get("/api/v1/reports").json()["reports"] == []
    response = other_api.get(f"/api/v1/reports/{report_id}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_report"


def test_idempotency_keys_are_per_member(published, api, other_api):
    a = api.post(
        "/api/v1/reports", REPORT, content_type="application/json", HTTP_IDEMPOTENCY_KEY="same"
    )
    b = other_api.post(
        "/api/v1/reports", REPORT, content_type="application/json", HTTP_IDEMPOTENCY_KEY="same"
    )
    assert (a.status_code, b.status_code) == (201, 201)
    assert a.json()["id"] != b.json()["id"]

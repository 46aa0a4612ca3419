def test_member_acknowledges_the_checkpoint_it_applied(published, api):
    _case, checkpoint = published
    response = api.post(
        "/api/v1/sync/ack", {"size": checkpoint.size}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["last_acked_size"] == checkpoint.size
    assert response.json()["ack_lag"] == 0


def test_acknowledging_an_unknown_checkpoint_is_404(published, api):
    response = api.post("/api/v1/sync/ack", {"size": 999_999}, content_type="application/json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_checkpoint"


def test_an_older_acknowledgement_does_not_move_the_position_back(publish, api):
    from tests.fixtures.values import MD5_VALUE

    _, first = publish()
    _, second = publish([("md5", MD5_VALUE)])
    api.post("/api/v1/sync/ack", {"size": second.size}, content_type="application/json")
    api.post("/api/v1/sync/ack", {"size": first.size}, content_type="application/json")
    assert api.get("/api/v1/sync").json()["last_acked_size"] == second.size


def test_a_member_never_sees_another_members_sync_state(published, api, other_api):
    _case, checkpoint = published
    api.post("/api/v1/sync/ack", {"size": checkpoint.size}, content_type="application/json")
    assert other_api.get("/api/v1/sync").json()["last_acked_size"] is None


def test_staff_see_which_members_are_behind(published, api, member, other_member):
    from member_portal.members import selectors

    _case, checkpoint = published
    api.post("/api/v1/sync/ack", {"size": checkpoint.size}, content_type="application/json")
    assert list(selectors.members_behind(checkpoint.size)) == [other_member]

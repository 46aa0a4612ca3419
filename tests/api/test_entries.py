from member_portal import verify
from tests.fixtures.values import MD5_VALUE


def test_entries_page_is_binary_and_private_to_the_member(published, api):
    _case, checkpoint = published
    response = api.get(f"/api/v1/entries?from=0&size={checkpoint.size}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    # Values in it are emptied by a purge, and it answers a credential: never a shared cache's.
    assert response["Cache-Control"] == "private, no-cache"
    assert response["Hashbank-Entries"] == f"0-{checkpoint.size}"
    assert "Link" not in response
    latest = api.get("/api/v1/checkpoint").content.decode()
    state = verify.apply_entries_page(fresh_state(api), latest, response.content)
    assert state.size == checkpoint.size and state.active.count == 4


def fresh_state(api) -> verify.FeedState:
    """A member starting from nothing but the bank's root document."""
    roots = api.get("/api/v1/roots").json()["roots"]
    return verify.FeedState(verify.trust_root(roots[0], roots[1:]))


def test_a_delta_after_a_withdrawal_verifies_and_removes_the_hash(publish, api):
    from hashbank.cases import services as cases

    case, first = publish()
    state = verify.apply_entries_page(
        fresh_state(api), first.note, api.get(f"/api/v1/entries?from=0&size={first.size}").content
    )
    row = case.case_signals.first()
    cases.withdraw(case=case, case_signal_ids=[row.pk])
    _, second = publish([("md5", MD5_VALUE)])
    second = publish.seal() or second
    latest = api.get("/api/v1/checkpoint").content.decode()
    size = int(latest.split("\n")[1])
    response = api.get(f"/api/v1/entries?from={first.size}&size={size}")
    assert response["Hashbank-Entries"] == f"{first.size}-{size}"
    state = verify.apply_entries_page(state, latest, response.content)
    assert state.active.count == 4  # four, minus the withdrawn one, plus the md5


def test_long_ranges_come_in_pages_linked_to_the_next(settings, published, api):
    settings.HASHBANK_ENTRIES_PAGE_MAX = 3
    _case, checkpoint = published
    response = api.get(f"/api/v1/entries?from=0&size={checkpoint.size}")
    assert response["Hashbank-Entries"] == "0-3"
    assert response["Link"] == f'</api/v1/entries?from=3&size={checkpoint.size}>; rel="next"'


def test_without_size_redirects_to_the_latest_checkpoints_url(published, api):
    _case, checkpoint = published
    response = api.get("/api/v1/entries?from=1")
    assert response.status_code == 302
    assert response["Location"] == f"/api/v1/entries?from=1&size={checkpoint.size}"


def test_size_that_is_not_a_checkpoint_is_404(published, api):
    response = api.get("/api/v1/entries?from=0&size=3")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_checkpoint"


def test_from_beyond_size_is_400(published, api):
    _case, checkpoint = published
    response = api.get(f"/api/v1/entries?from={checkpoint.size + 1}&size={checkpoint.size}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_range"


def test_missing_or_malformed_from_is_a_coded_400(published, api):
    assert api.get("/api/v1/entries").json()["error"]["code"] == "missing_parameter"
    assert api.get("/api/v1/entries?from=-1").json()["error"]["code"] == "invalid_parameter"


def test_pulling_to_the_end_records_the_sync_position(published, api, member):
    _case, checkpoint = published
    api.get(f"/api/v1/entries?from=0&size={checkpoint.size}")
    member.sync_position.refresh_from_db()
    assert member.sync_position.last_pulled_size == checkpoint.size

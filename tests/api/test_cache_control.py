"""No answer to a member's credential may be stored by a shared cache (issue 17): many CDNs
ignore `Vary: Authorization`. Only the public tiles under /log/ are `public, immutable`
(tests/ledger/test_log_view.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from member_portal.api import tasks

MEMBER_GETS = [
    "/api/v1/checkpoint",
    "/api/v1/entries?from=0&size={size}",
    "/api/v1/entries?from=0",
    "/api/v1/proofs/inclusion?index=0&size={size}",
    "/api/v1/proofs/consistency?old=1&new={size}",
    "/api/v1/roots",
    "/api/v1/keys",
    "/api/v1/snapshot",
    "/api/v1/snapshots/{size}",
    "/api/v1/sync",
    "/api/v1/reports",
    "/api/v1/disputes",
    "/api/v1/entries?from=x",  # an error answers a credential too
]


@pytest.fixture
def with_snapshot(published, settings, tmp_path):
    settings.HASHBANK_SNAPSHOT_DIR = tmp_path / "snapshots"
    tasks.build_snapshot.apply()
    return published[1]


@pytest.mark.parametrize("path", MEMBER_GETS)
def test_every_member_answer_is_private(with_snapshot, api, path):
    response = api.get(path.format(size=with_snapshot.size))
    assert response.status_code < 500
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "public" not in cache_control


@pytest.mark.parametrize("path", ["/api/v1/entries?from=0&size={size}", "/api/v1/snapshots/{size}"])
def test_pages_that_carry_values_are_revalidated_before_use(with_snapshot, api, path):
    response = api.get(path.format(size=with_snapshot.size))
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] and "immutable" not in response["Cache-Control"]


def test_the_stopncii_facade_is_private(published, member):
    from member_portal.members import services

    _, key = services.issue_credential(member=member)
    response = Client().get(
        "/api/stopncii/v1/FetchHashes",
        HTTP_X_FUNCTIONS_KEY=key,
        HTTP_OCP_APIM_SUBSCRIPTION_KEY="acme",
    )
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]

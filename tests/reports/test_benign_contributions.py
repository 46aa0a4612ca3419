"""Members contribute hashes of lawful, viral content to the benign list over the API."""

from hashbank.benign.models import BenignHash
from tests.fixtures.values import PDQ_VALUES, random_pdq


def test_a_member_adds_a_benign_hash(published, api, member):
    value = random_pdq()
    response = api.post(
        "/api/v1/benign",
        {"signal_type": "pdq", "value": value, "note": "a meme"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    benign = BenignHash.objects.get()
    assert (benign.value, benign.source, benign.contributed_by) == (
        value,
        "member",
        f"member {member.slug}",
    )
    again = api.post(
        "/api/v1/benign", {"signal_type": "pdq", "value": value}, content_type="application/json"
    )
    assert again.status_code == 200 and again.json()["id"] == benign.pk


def test_a_hash_in_the_feed_is_refused_with_a_code(published, api):
    response = api.post(
        "/api/v1/benign",
        {"signal_type": "pdq", "value": PDQ_VALUES[0]},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "value_in_feed"


def test_a_malformed_value_is_a_coded_400(published, api):
    response = api.post(
        "/api/v1/benign", {"signal_type": "pdq", "value": "xyz"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_signal"

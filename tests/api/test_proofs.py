import base64


def test_inclusion_proof_is_base64_hashes_and_immutable(published, api):
    from hashbank.ledger import selectors

    _case, checkpoint = published
    response = api.get(f"/api/v1/proofs/inclusion?index=1&size={checkpoint.size}")
    assert response.status_code == 200
    body = response.json()
    assert (body["index"], body["size"]) == (1, checkpoint.size)
    expected = list(selectors.inclusion_proof(1, checkpoint.size))
    assert [base64.b64decode(h) for h in body["hashes"]] == [bytes(h) for h in expected]
    assert response["Cache-Control"] == "private, max-age=31536000, immutable"


def test_consistency_proof_between_two_checkpoints(publish, api):
    from hashbank.ledger import selectors
    from tests.fixtures.values import MD5_VALUE

    _, first = publish()
    _, second = publish([("md5", MD5_VALUE)])
    body = api.get(f"/api/v1/proofs/consistency?old={first.size}&new={second.size}").json()
    expected = list(selectors.consistency_proof(first.size, second.size))
    assert [base64.b64decode(h) for h in body["hashes"]] == [bytes(h) for h in expected]


def test_index_outside_the_tree_is_400(published, api):
    _case, checkpoint = published
    response = api.get(f"/api/v1/proofs/inclusion?index={checkpoint.size}&size={checkpoint.size}")
    assert response.json()["error"]["code"] == "invalid_range"


def test_consistency_backwards_is_400(publish, api):
    from tests.fixtures.values import MD5_VALUE

    _, first = publish()
    _, second = publish([("md5", MD5_VALUE)])
    response = api.get(f"/api/v1/proofs/consistency?old={second.size}&new={first.size}")
    assert response.json()["error"]["code"] == "invalid_range"


def test_roots_and_keys_are_served(published, api):
    roots = api.get("/api/v1/roots").json()
    keys = api.get("/api/v1/keys").json()
    assert roots["roots"] and keys["keys"] and roots["min_wait"] > 0

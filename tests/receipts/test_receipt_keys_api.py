"""/api/v1/receipt-keys: register, list, rotate and revoke a member's receipt keys."""

from __future__ import annotations

from hashbank.audit.models import AuditEntry
from member_portal.feed import cosignature


def _register(api, vkey: str):
    return api.post("/api/v1/receipt-keys", {"vkey": vkey}, content_type="application/json")


def test_a_member_registers_and_lists_its_receipt_keys(api, member):
    first = cosignature.Cosigner.generate("receipts.platform.example/a")
    second = cosignature.Cosigner.generate("receipts.platform.example/b")
    assert _register(api, str(first.verifier)).status_code == 201
    assert _register(api, str(second.verifier)).status_code == 201

    keys = api.get("/api/v1/receipt-keys").json()["keys"]

    assert [k["vkey"] for k in keys] == [str(second.verifier), str(first.verifier)]
    assert AuditEntry.objects.filter(action="member.receipt_key_registered").count() == 2


def test_a_malformed_key_is_refused(api):
    response = _register(api, "not a key")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_receipt_key"


def test_a_key_is_registered_once_bank_wide(api, other_api):
    key = cosignature.Cosigner.generate("receipts.platform.example/a")
    assert _register(api, str(key.verifier)).status_code == 201
    response = _register(other_api, str(key.verifier))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "receipt_key_exists"


def test_at_most_five_keys_are_usable_at_once(api):
    for n in range(5):
        assert (
            _register(
                api, str(cosignature.Cosigner.generate(f"r.example/{n}").verifier)
            ).status_code
            == 201
        )
    response = _register(api, str(cosignature.Cosigner.generate("r.example/6").verifier))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "too_many_receipt_keys"


def test_revoking_an_unknown_key_is_404(api, other_api):
    key = cosignature.Cosigner.generate("receipts.platform.example/a")
    _register(other_api, str(key.verifier))
    for key_id in (f"{key.key_id:08x}", "zzzz", "0"):
        response = api.delete(f"/api/v1/receipt-keys/{key_id}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "unknown_receipt_key"

"""The portal's receipt keys page: register, list and revoke a member's receipt keys (audited)."""

from hashbank.audit.models import AuditEntry
from hashbank.receipts.models import ReceiptKey
from member_portal.feed import cosignature
from member_portal.members import services


def test_a_member_user_registers_a_receipt_key(signed_in, member):
    key = cosignature.Cosigner.generate("receipts.acme.example/hashbank")
    response = signed_in.post("/portal/receipt-keys/", {"vkey": str(key.verifier), "label": "k1"})
    assert response.status_code == 302
    page = signed_in.get("/portal/receipt-keys/").content.decode()
    assert str(key.verifier) in page
    assert ReceiptKey.objects.get(member=member).label == "k1"
    assert AuditEntry.objects.filter(action="member.receipt_key_registered").exists()


def test_a_bad_key_is_refused_with_a_message(signed_in, member):
    response = signed_in.post("/portal/receipt-keys/", {"vkey": "nonsense"})
    assert response.status_code == 200
    assert "Not a tlog-cosignature/v1 Ed25519 verifier key" in response.content.decode()
    assert not ReceiptKey.objects.exists()


def test_revoking_a_key_from_the_portal(signed_in, member):
    key = cosignature.Cosigner.generate("receipts.acme.example/hashbank")
    services.register_receipt_key(member=member, vkey=str(key.verifier))
    response = signed_in.post(f"/portal/receipt-keys/{key.key_id}/revoke")
    assert response.status_code == 302
    assert ReceiptKey.objects.get(member=member).revoked_at is not None


def test_another_members_key_cannot_be_revoked(signed_in, other_member):
    key = cosignature.Cosigner.generate("receipts.globex.example/hashbank")
    services.register_receipt_key(member=other_member, vkey=str(key.verifier))
    signed_in.post(f"/portal/receipt-keys/{key.key_id}/revoke")
    assert ReceiptKey.objects.get(member=other_member).revoked_at is None

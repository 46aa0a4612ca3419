from member_portal.members import services
from member_portal.members.models import Credential


def test_issuing_a_credential_shows_the_token_once(signed_in, member):
    response = signed_in.post("/portal/credentials/", {"label": "prod", "scopes": ["feed:read"]})
    assert response.status_code == 200
    token = response.context["new_token"]
    assert token.startswith("hbk_")
    assert services.authenticate(token=token, ip=None).scopes == ["feed:read"]
    assert token.encode() not in signed_in.get("/portal/credentials/").content


def test_revoking_from_the_portal_takes_effect_at_once(signed_in, member):
    credential, token = services.issue_credential(member=member)
    response = signed_in.post(f"/portal/credentials/{credential.pk}/revoke")
    assert response.status_code == 302
    assert Credential.objects.get(pk=credential.pk).revoked_at is not None


def test_member_user_cannot_revoke_another_members_credential(signed_in, other_member):
    credential, _ = services.issue_credential(member=other_member)
    response = signed_in.post(f"/portal/credentials/{credential.pk}/revoke")
    assert response.status_code == 404
    assert Credential.objects.get(pk=credential.pk).revoked_at is None


def test_credentials_page_lists_only_own_credentials(signed_in, member, other_member):
    own, _ = services.issue_credential(member=member, label="ours")
    theirs, _ = services.issue_credential(member=other_member, label="theirs")
    content = signed_in.get("/portal/credentials/").content.decode()
    assert own.key_id in content and theirs.key_id not in content

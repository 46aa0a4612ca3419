from datetime import timedelta

import pytest
from django.utils import timezone

from hashbank.core.errors import Conflict, DomainError
from member_portal.members import services
from member_portal.members.errors import CredentialRefused, InvalidCredential, MemberSuspended
from member_portal.members.models import Credential


def test_issued_token_authenticates_and_records_last_use(member):
    credential, token = services.issue_credential(member=member)
    assert credential.last_used_at is None
    assert services.authenticate(token=token, ip="192.0.2.1").pk == credential.pk
    assert Credential.objects.get(pk=credential.pk).last_used_at is not None


def test_wrong_secret_with_a_real_key_id_is_refused(member):
    _, token = services.issue_credential(member=member)
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(InvalidCredential):
        services.authenticate(token=forged, ip=None)


def test_malformed_token_is_refused(db):
    with pytest.raises(InvalidCredential):
        services.authenticate(token="hbk_nothing", ip=None)


def test_revoked_credential_fails_at_once(member):
    credential, token = services.issue_credential(member=member)
    services.authenticate(token=token, ip=None)  # verified once (and cached by the worker)
    services.revoke_credential(credential=credential)
    with pytest.raises(CredentialRefused) as caught:
        services.authenticate(token=token, ip=None)
    assert caught.value.code == "credential_revoked"


def test_expired_credential_is_refused(member):
    credential, token = services.issue_credential(
        member=member, expires_at=timezone.now() + timedelta(hours=1)
    )
    Credential.objects.filter(pk=credential.pk).update(expires_at=timezone.now() - timedelta(1))
    with pytest.raises(CredentialRefused) as caught:
        services.authenticate(token=token, ip=None)
    assert caught.value.code == "credential_expired"


def test_suspended_member_credentials_fail_and_work_again_after_reactivation(member):
    _, token = services.issue_credential(member=member)
    services.suspend_member(member=member)
    with pytest.raises(MemberSuspended):
        services.authenticate(token=token, ip=None)
    services.reactivate_member(member=member)
    assert services.authenticate(token=token, ip=None)


def test_ip_allow_list_admits_listed_networks_only(member):
    _, token = services.issue_credential(member=member, allowed_ips=["198.51.100.0/24", "::1"])
    assert services.authenticate(token=token, ip="198.51.100.7")
    assert services.authenticate(token=token, ip="::1")
    with pytest.raises(CredentialRefused) as caught:
        services.authenticate(token=token, ip="203.0.113.9")
    assert caught.value.code == "ip_not_allowed"


def test_member_holds_two_credentials_during_rotation_but_not_three(member):
    old, old_token = services.issue_credential(member=member)
    _, new_token = services.issue_credential(member=member)
    assert services.authenticate(token=old_token, ip=None)
    assert services.authenticate(token=new_token, ip=None)
    with pytest.raises(Conflict):
        services.issue_credential(member=member)
    services.revoke_credential(credential=old)
    services.issue_credential(member=member)


def test_unknown_scope_is_refused(member):
    with pytest.raises(DomainError) as caught:
        services.issue_credential(member=member, scopes=["feed:write"])
    assert caught.value.code == "invalid_scope"


def test_invalid_ip_network_is_refused(member):
    with pytest.raises(DomainError) as caught:
        services.issue_credential(member=member, allowed_ips=["not-an-ip"])
    assert caught.value.code == "invalid_ip"

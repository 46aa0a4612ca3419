import hashlib
import hmac

import pytest
from django.contrib.auth.hashers import make_password

from member_portal.members import services, tokens
from member_portal.members.errors import InvalidCredential
from member_portal.members.models import Credential


def _secret(token: str) -> str:
    return token.split("_", 2)[2]


def test_token_is_stored_only_as_an_hmac_under_the_server_key(member, settings):
    settings.HASHBANK_TOKEN_KEY = "a token key for this test only, as long as a real one is"
    credential, token = services.issue_credential(member=member)
    stored = Credential.objects.get(pk=credential.pk)
    secret = _secret(token)
    assert token.startswith(f"hbk_{stored.key_id}_")
    assert secret not in stored.secret_hash and token not in stored.secret_hash
    # Exactly the MAC of key id and secret: nothing reversible, nothing else kept.
    expected = hmac.new(
        settings.HASHBANK_TOKEN_KEY.encode(), f"{stored.key_id}\n{secret}".encode(), hashlib.sha256
    ).hexdigest()
    assert stored.secret_hash == f"hmac_sha256${expected}"
    assert services.authenticate(token=token, ip="192.0.2.1").pk == credential.pk


def test_without_the_token_key_the_stored_hash_proves_nothing(member, settings):
    settings.HASHBANK_TOKEN_KEY = "the first token key, for this test only, long enough"
    _, token = services.issue_credential(member=member)
    settings.HASHBANK_TOKEN_KEY = "another token key, as if the database were stolen alone"
    with pytest.raises(InvalidCredential):
        services.authenticate(token=token, ip=None)


def test_the_token_key_is_derived_from_secret_key_when_not_set(member, settings):
    settings.HASHBANK_TOKEN_KEY = ""
    credential, token = services.issue_credential(member=member)
    assert settings.SECRET_KEY.encode().hex() not in credential.secret_hash
    assert services.authenticate(token=token, ip=None).pk == credential.pk
    settings.SECRET_KEY = "a rotated secret key for this test only, long enough to be real"
    with pytest.raises(InvalidCredential):
        services.authenticate(token=token, ip=None)


def test_two_credentials_with_one_secret_store_different_hashes():
    # The key id is inside the MAC, so a stored hash proves only its own token.
    assert tokens.secret_hash("0" * 16, "s" * 43) != tokens.secret_hash("1" * 16, "s" * 43)


def test_a_legacy_pbkdf2_credential_still_authenticates_and_is_upgraded(member, real_hasher):
    credential, token = services.issue_credential(member=member)
    legacy = make_password(_secret(token), hasher="pbkdf2_sha256")
    Credential.objects.filter(pk=credential.pk).update(secret_hash=legacy)
    assert services.authenticate(token=token, ip="192.0.2.1").pk == credential.pk
    upgraded = Credential.objects.get(pk=credential.pk).secret_hash
    assert upgraded == tokens.secret_hash(credential.key_id, _secret(token))
    assert services.authenticate(token=token, ip="192.0.2.1").pk == credential.pk


def test_a_legacy_credential_with_a_wrong_secret_is_refused_and_not_upgraded(member):
    credential, token = services.issue_credential(member=member)
    legacy = make_password(_secret(token), hasher="pbkdf2_sha256")
    Credential.objects.filter(pk=credential.pk).update(secret_hash=legacy)
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(InvalidCredential):
        services.authenticate(token=forged, ip=None)
    assert Credential.objects.get(pk=credential.pk).secret_hash == legacy

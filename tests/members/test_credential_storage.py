from django.contrib.auth.hashers import identify_hasher

from member_portal.members import services
from member_portal.members.models import Credential


def test_token_is_stored_only_as_a_slow_salted_hash(member, real_hasher):
    credential, token = services.issue_credential(member=member)
    stored = Credential.objects.get(pk=credential.pk)
    secret = token.split("_", 2)[2]
    assert token.startswith(f"hbk_{stored.key_id}_")
    assert secret not in stored.secret_hash
    assert identify_hasher(stored.secret_hash).algorithm == "pbkdf2_sha256"
    assert services.authenticate(token=token, ip="192.0.2.1").pk == credential.pk


def test_two_credentials_of_one_member_have_different_salts(member, real_hasher):
    first, _ = services.issue_credential(member=member)
    second, _ = services.issue_credential(member=member)
    assert first.secret_hash.split("$")[2] != second.secret_hash.split("$")[2]

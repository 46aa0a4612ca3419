"""A request with a bad token costs the bank no key derivation, and failures are limited per
client and per key id (issue 17, item 1)."""

import hashlib
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils import timezone
from django.utils.crypto import get_random_string

from hashbank.core import ratelimit
from member_portal.members import services, tokens
from member_portal.members.errors import (
    CredentialRefused,
    InvalidCredential,
    MemberSuspended,
    TooManyFailedAttempts,
)
from member_portal.members.models import Credential
from tests.fixtures.members import UNKNOWN_TOKEN, wrong_secret


@pytest.fixture
def no_kdf(monkeypatch):
    """Call it once the credentials are set up: from then on, anything that derives a key from
    a password (PBKDF2, or Django's hashers at all) fails the test; returns the calls seen."""
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise AssertionError("a password KDF was computed")

    def arm() -> list:
        monkeypatch.setattr(hashlib, "pbkdf2_hmac", refuse)
        monkeypatch.setattr(tokens, "check_password", refuse)
        return calls

    return arm


@pytest.fixture
def limits(settings):
    settings.HASHBANK_AUTH_FAILURES_PER_CLIENT = 3
    settings.HASHBANK_AUTH_FAILURES_PER_KEY = 5
    settings.HASHBANK_THROTTLE_48_FACTOR = 10


def _legacy(credential: Credential, token: str) -> None:
    """Store the credential as before HMAC storage: Django's PBKDF2 (fewer rounds, for speed;
    the round count is part of the stored string, so it verifies the same way)."""
    secret = token.split("_", 2)[2]
    legacy = PBKDF2PasswordHasher().encode(secret, get_random_string(22), iterations=1000)
    Credential.objects.filter(pk=credential.pk).update(secret_hash=legacy)


def test_a_revoked_legacy_credential_is_refused_without_any_kdf(member, no_kdf):
    credential, token = services.issue_credential(member=member)
    _legacy(credential, token)
    services.revoke_credential(credential=credential)
    calls = no_kdf()
    with pytest.raises(CredentialRefused) as caught:
        services.authenticate(token=wrong_secret(token), ip="192.0.2.1")
    assert caught.value.code == "credential_revoked"
    assert calls == []


def test_an_expired_legacy_credential_is_refused_without_any_kdf(member, no_kdf):
    credential, token = services.issue_credential(member=member)
    _legacy(credential, token)
    Credential.objects.filter(pk=credential.pk).update(expires_at=timezone.now() - timedelta(1))
    calls = no_kdf()
    with pytest.raises(CredentialRefused) as caught:
        services.authenticate(token=token, ip="192.0.2.1")
    assert caught.value.code == "credential_expired"
    assert calls == []


def test_a_suspended_members_legacy_credential_is_refused_without_any_kdf(member, no_kdf):
    credential, token = services.issue_credential(member=member)
    _legacy(credential, token)
    services.suspend_member(member=member)
    calls = no_kdf()
    with pytest.raises(MemberSuspended):
        services.authenticate(token=token, ip="192.0.2.1")
    assert calls == []


def test_an_unknown_key_id_and_a_wrong_secret_are_refused_without_any_kdf(member, no_kdf):
    _, token = services.issue_credential(member=member)
    calls = no_kdf()
    with pytest.raises(InvalidCredential):
        services.authenticate(token=UNKNOWN_TOKEN, ip="192.0.2.1")
    with pytest.raises(InvalidCredential):
        services.authenticate(token=wrong_secret(token), ip="192.0.2.1")
    assert services.authenticate(token=token, ip="192.0.2.1")
    assert calls == []


def test_a_client_past_its_failures_is_refused_while_another_client_is_not(member, limits):
    _, token = services.issue_credential(member=member)
    for _ in range(3):
        with pytest.raises(InvalidCredential):
            services.authenticate(token=UNKNOWN_TOKEN, ip="203.0.113.7")
    with pytest.raises(TooManyFailedAttempts) as caught:
        services.authenticate(token=wrong_secret(token), ip="203.0.113.7")
    assert caught.value.status == 429 and caught.value.retry_after > 0
    assert caught.value.code == "too_many_failed_attempts"
    assert services.authenticate(token=token, ip="203.0.113.8")


def test_a_valid_token_still_works_from_a_client_past_its_failures(member, limits):
    """A neighbour in the same /48, or everyone behind a misconfigured proxy, must not be able
    to lock a member out by sending bad tokens from 'its' address."""
    _, token = services.issue_credential(member=member)
    for _ in range(3):
        with pytest.raises(InvalidCredential):
            services.authenticate(token=UNKNOWN_TOKEN, ip="203.0.113.7")
    assert services.authenticate(token=token, ip="203.0.113.7")


def test_malformed_tokens_count_as_failures(db, limits):
    for _ in range(3):
        with pytest.raises(InvalidCredential):
            services.authenticate(token="hbk_nothing", ip="203.0.113.7")
    with pytest.raises(TooManyFailedAttempts):
        services.authenticate(token="hbk_nothing", ip="203.0.113.7")


def test_a_client_refused_for_failures_costs_one_indexed_read_and_no_kdf(
    member, limits, django_assert_num_queries
):
    _, token = services.issue_credential(member=member)
    for _ in range(3):
        with pytest.raises(InvalidCredential):
            services.authenticate(token=wrong_secret(token), ip="203.0.113.7")
    with django_assert_num_queries(1), pytest.raises(TooManyFailedAttempts):
        services.authenticate(token=wrong_secret(token), ip="203.0.113.7")
    with django_assert_num_queries(0), pytest.raises(TooManyFailedAttempts):
        services.authenticate(token="not a token", ip="203.0.113.7")


def test_a_valid_token_reads_no_failure_counter_and_a_refusal_reads_them_once(
    member, limits, monkeypatch
):
    """Every member's poll authenticates: the failure counters (a Redis round trip) are read
    only when the answer depends on them."""
    _, token = services.issue_credential(member=member)
    reads = []
    read = ratelimit.retry_after_each

    def counted(counters, **options):
        reads.append(counters)
        return read(counters, **options)

    monkeypatch.setattr(ratelimit, "retry_after_each", counted)
    assert services.authenticate(token=token, ip="203.0.113.7").member == member
    assert reads == []
    with pytest.raises(InvalidCredential):
        services.authenticate(token=wrong_secret(token), ip="203.0.113.7")
    assert len(reads) == 1


def test_refused_genuine_credentials_do_not_count_as_failures(member, limits):
    credential, token = services.issue_credential(member=member)
    _, good = services.issue_credential(member=member)
    services.revoke_credential(credential=credential)
    for _ in range(5):
        with pytest.raises(CredentialRefused):
            services.authenticate(token=token, ip="203.0.113.7")
    assert services.authenticate(token=good, ip="203.0.113.7")


def test_a_key_id_past_its_failures_refuses_wrong_secrets_but_not_the_right_one(member, limits):
    credential, token = services.issue_credential(member=member)
    for n in range(5):  # from five clients, each under its own limit
        with pytest.raises(InvalidCredential):
            services.authenticate(token=wrong_secret(token), ip=f"198.51.100.{n}")
    with pytest.raises(TooManyFailedAttempts) as caught:
        services.authenticate(token=wrong_secret(token), ip="198.51.100.9")
    assert caught.value.retry_after > 0
    assert services.authenticate(token=token, ip="198.51.100.10").pk == credential.pk


def test_a_legacy_key_id_past_its_failures_computes_no_more_kdf(member, limits, monkeypatch):
    credential, token = services.issue_credential(member=member)
    _legacy(credential, token)
    calls = []
    real = tokens.check_password
    monkeypatch.setattr(tokens, "check_password", lambda *a: calls.append(a) or real(*a))
    for n in range(5):
        with pytest.raises(InvalidCredential):
            services.authenticate(token=wrong_secret(token), ip=f"198.51.100.{n}")
    assert len(calls) == 5
    for n in range(10, 20):
        with pytest.raises(TooManyFailedAttempts):
            services.authenticate(token=wrong_secret(token), ip=f"198.51.100.{n}")
    assert len(calls) == 5


def test_failures_from_one_ipv6_64_are_counted_together(member, limits):
    _, token = services.issue_credential(member=member)
    for n in range(3):
        with pytest.raises(InvalidCredential):
            services.authenticate(token=wrong_secret(token), ip=f"2001:db8:1:2::{n + 1:x}")
    with pytest.raises(TooManyFailedAttempts):
        services.authenticate(token=wrong_secret(token), ip="2001:db8:1:2:ffff::9")
    with pytest.raises(InvalidCredential):
        services.authenticate(token=wrong_secret(token), ip="2001:db8:1:3::1")
    assert services.authenticate(token=token, ip="2001:db8:1:2:ffff::9")


def test_failures_from_many_64s_of_one_48_meet_the_48_limit(member, settings, limits):
    settings.HASHBANK_AUTH_FAILURES_PER_KEY = 0  # off: count only per client here
    settings.HASHBANK_THROTTLE_48_FACTOR = 2
    _, token = services.issue_credential(member=member)
    for n in range(6):  # two per /64, three /64s: each under 3, the /48 at 3 x 2
        with pytest.raises(InvalidCredential):
            services.authenticate(token=wrong_secret(token), ip=f"2001:db8:1:{n // 2}::1")
    with pytest.raises(TooManyFailedAttempts):
        services.authenticate(token=wrong_secret(token), ip="2001:db8:1:77::1")
    with pytest.raises(InvalidCredential):
        services.authenticate(token=wrong_secret(token), ip="2001:db8:2::1")
    assert services.authenticate(token=token, ip="2001:db8:1:77::1")

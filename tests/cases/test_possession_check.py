"""A caseworker unlocks a case only once the caller proved they hold one of its images: a
one-time code, the caller's MD5 from their own browser, a match against this case."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hashbank.audit.models import AuditEntry
from hashbank.cases import services
from hashbank.cases.errors import InvalidTransition
from hashbank.cases.models import Case, CaseSignal, PossessionCheck
from tests.fixtures.values import ATTESTED, md5


@pytest.fixture
def locked(submitted):
    case, pin = submitted
    Case.objects.filter(pk=case.pk).update(locked_at=timezone.now(), failed_pin_attempts=10)
    case.refresh_from_db()
    return case, pin


@pytest.fixture
def caseworker(django_user_model):
    return django_user_model.objects.create(username="cora", is_staff=True)


def an_md5_of(case) -> str:
    return CaseSignal.objects.filter(case=case, signal__signal_type="md5").values_list(
        "signal__value", flat=True
    )[0]


def test_an_unlock_without_a_matching_check_is_refused(locked, caseworker):
    case, _ = locked
    with pytest.raises(InvalidTransition):
        services.unlock_case(case=case, actor=caseworker)
    case.refresh_from_db()
    assert case.is_locked


def test_the_callers_md5_of_one_of_the_images_lets_the_caseworker_unlock(locked, caseworker):
    case, _ = locked
    check, code = services.start_possession_check(case=case, actor=caseworker)
    assert len(code) == 9 and code[4] == "-"
    assert code.replace("-", "") not in check.code_hash  # kept only as an HMAC
    services.answer_possession_check(code=code, md5s=[an_md5_of(case).upper()])
    check.refresh_from_db()
    assert check.matched and check.answered_at is not None
    services.unlock_case(case=case, actor=caseworker)
    case.refresh_from_db()
    assert not case.is_locked
    assert AuditEntry.objects.filter(action="case.possession_check_started").count() == 1


def test_an_image_of_another_case_does_not_match(locked, caseworker):
    case, _ = locked
    other, _ = services.submit_case(hashes=[md5()], attestations=ATTESTED)
    _check, code = services.start_possession_check(case=case, actor=caseworker)
    services.answer_possession_check(code=code, md5s=[an_md5_of(other)])
    assert not PossessionCheck.objects.get(case=case).matched
    with pytest.raises(InvalidTransition):
        services.unlock_case(case=case, actor=caseworker)


def test_a_check_is_answered_once_and_an_expired_or_unknown_code_is_ignored(locked, caseworker):
    case, _ = locked
    check, code = services.start_possession_check(case=case, actor=caseworker)
    services.answer_possession_check(code=code, md5s=["0" * 32])
    services.answer_possession_check(code=code, md5s=[an_md5_of(case)])  # too late: answered
    check.refresh_from_db()
    assert not check.matched
    expired, late_code = services.start_possession_check(case=case, actor=caseworker)
    PossessionCheck.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    services.answer_possession_check(code=late_code, md5s=[an_md5_of(case)])
    services.answer_possession_check(code="0000-0000", md5s=[an_md5_of(case)])
    assert not PossessionCheck.objects.filter(matched=True).exists()

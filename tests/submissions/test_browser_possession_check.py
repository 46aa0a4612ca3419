"""In Chromium, in both languages: the caller proves they hold one of the case's images on the
check page; the file is fingerprinted in the browser, only its MD5 is sent, and the console's
check matches. axe-core finds no serious violation."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hashbank.cases import services
from hashbank.cases.models import Case, PossessionCheck
from tests.fixtures.browser import serious_violations
from tests.fixtures.values import ATTESTED, pdq
from tests.submissions import browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("signing_key"),
]

SENT = {
    "en": "Sent. Tell the caseworker you have done it.",
    "es": "Enviado. Dígale al profesional que ya lo ha hecho.",
}


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_caller_proves_possession_from_their_own_browser(
    axe_page, live_server, tmp_path, django_user_model, language
):
    photo, _screenshot, _clip = browser.make_files(tmp_path)
    case, _pin = services.submit_case(
        hashes=[{"type": "md5", "value": browser.md5_of(photo), "file": 0}, {**pdq(), "file": 0}],
        attestations=ATTESTED,
    )
    Case.objects.filter(pk=case.pk).update(locked_at=timezone.now())
    caseworker = django_user_model.objects.create(username="cora", is_staff=True)
    _check, code = services.start_possession_check(case=case, actor=caseworker)

    page = axe_page
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    bodies = []
    page.on("request", lambda r: bodies.append(r.post_data) if r.method == "POST" else None)
    page.goto(f"{live_server.url}/check/")
    assert serious_violations(page) == []
    page.fill("#possession-code", code)
    page.set_input_files("#possession-file", str(photo))
    page.click("#possession-send")
    expect(page.locator("#possession-result")).to_have_text(SENT[language])
    assert serious_violations(page) == []

    assert [json.loads(body) for body in bodies] == [
        {"code": code, "md5s": [browser.md5_of(photo)]}
    ]
    assert PossessionCheck.objects.get(case=case).matched

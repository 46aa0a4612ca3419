"""The information pages and the 404 in a real Chromium, in English and Spanish: axe-core finds
no serious violation, and each shows the helpline and the quick exit."""

from __future__ import annotations

import pytest

from member_portal.members.models import Member
from tests.fixtures.browser import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "/help/": {"en": "Questions and answers", "es": "Preguntas y respuestas"},
    "/privacy/": {"en": "Privacy notice", "es": "Aviso de privacidad"},
    "/about/": {"en": "Who runs this service", "es": "Quién gestiona este servicio"},
    "/platforms/": {"en": "Participating platforms", "es": "Plataformas participantes"},
    "/cover-your-tracks/": {"en": "Cover your tracks", "es": "Borre su rastro"},
    "/offline-hasher/": {"en": "The offline hasher", "es": "El generador sin conexión"},
    "/no-such-page/": {"en": "Page not found", "es": "Página no encontrada"},
}


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_information_page_reads_in_its_language_with_no_serious_accessibility_violation(
    axe_page, live_server, settings, language, tmp_path
):
    # /offline-hasher/ as most will see it: with a wheel to download, its name and checksum.
    (tmp_path / "hashbank_hasher-1.0.0-py3-none-any.whl").write_bytes(b"PK\x03\x04 a wheel")
    settings.HASHBANK_HASHER_DIST_DIR = str(tmp_path)
    settings.HASHBANK_HELPLINE = {
        "organisation": "Safe Online Helpline",
        "phone": "+44 345 600 0459",
        "email": "help@helpline.example",
        "hours": "Mon-Fri 10-16",
        "website": "https://helpline.example/",
    }
    Member.objects.create(slug="pixhost", name="PixHost", named_publicly=True)
    page = axe_page
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    found = {}
    for path, headings in PAGES.items():
        page.goto(f"{live_server.url}{path}")
        assert page.inner_text("h1") == headings[language], path
        assert page.get_attribute("html", "lang") == language
        footer = page.inner_text("footer")
        assert "Safe Online Helpline" in footer and "+44 345 600 0459" in footer, path
        assert page.is_visible("[data-quick-exit]"), path
        found[path] = serious_violations(page)
    page.goto(f"{live_server.url}/platforms/")
    assert page.inner_text("#platform-list") == "PixHost"
    assert {path: v for path, v in found.items() if v} == {}

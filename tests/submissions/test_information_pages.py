"""The information pages (FAQ, privacy, about, platforms, cover your tracks), the branded 404 and
500 pages, and neutral page titles, in English and Spanish."""

from __future__ import annotations

import re

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from hashbank import urls
from hashbank.submissions import views
from member_portal.members import services as member_services
from member_portal.members.models import Member

pytestmark = pytest.mark.django_db

INFORMATION_PAGES = [
    "/help/",
    "/privacy/",
    "/about/",
    "/platforms/",
    "/cover-your-tracks/",
    "/offline-hasher/",
]
VICTIM_PAGES = ["/", "/submit/", "/status/", *INFORMATION_PAGES, "/no-such-page/"]
# Words a title must not carry, where someone looking over a shoulder or at the history sees it.
GIVEAWAYS = re.compile(r"porn|intim|sexual|nude|desnud|naked|revenge|venganza", re.I)


def _get(path: str, language: str):
    return Client(HTTP_ACCEPT_LANGUAGE=language).get(path)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("path", VICTIM_PAGES)
def test_page_titles_are_neutral_in_both_languages(path, language):
    title = re.search(r"<title>(.*?)</title>", _get(path, language).content.decode(), re.S)
    assert title and title.group(1).strip().endswith("· hashbank")
    assert not GIVEAWAYS.search(title.group(1)), title.group(1)


@pytest.mark.parametrize(
    ("path", "english", "spanish"),
    [
        ("/help/", "Someone else is in the images too", "Otras personas también aparecen"),
        ("/privacy/", "What we never receive", "Lo que nunca recibimos"),
        ("/about/", "Who runs this service", "Quién gestiona este servicio"),
        ("/platforms/", "Participating platforms", "Plataformas participantes"),
        ("/cover-your-tracks/", "Use a private window", "Use una ventana privada"),
    ],
)
def test_each_information_page_is_linked_from_every_page_and_reads_in_both_languages(
    path, english, spanish
):
    assert f'href="{path}"' in _get("/", "en").content.decode()
    assert english in _get(path, "en").content.decode()
    page = _get(path, "es").content.decode()
    assert spanish in page and english not in page


def test_the_faq_says_how_long_withdrawn_fingerprints_are_kept_from_the_setting(settings):
    settings.HASHBANK_PURGE_REMOVED_DAYS = 30
    assert "erase the fingerprint itself 30 days later" in _get("/help/", "en").content.decode()
    assert "borramos la propia huella 30 días después" in _get("/help/", "es").content.decode()


def test_the_faq_sends_anyone_under_18_in_the_images_to_take_it_down():
    assert 'href="https://takeitdown.ncmec.org/"' in _get("/help/", "en").content.decode()


def test_the_platforms_page_lists_only_active_members_that_agreed_to_be_named():
    named = Member.objects.create(slug="pixhost", name="PixHost")
    Member.objects.create(slug="quiet", name="Quiet Platform")
    suspended = Member.objects.create(slug="gone", name="Gone Video", named_publicly=True)
    suspended.status = Member.Status.SUSPENDED
    suspended.save()
    assert "PixHost" not in _get("/platforms/", "en").content.decode()
    member_services.set_named_publicly(member=named, named=True, actor="pixhost admin")
    page = _get("/platforms/", "en").content.decode()
    assert "PixHost" in page
    assert "Quiet Platform" not in page and "Gone Video" not in page


def test_a_member_is_not_named_until_it_agrees_and_its_consent_is_audited():
    from hashbank.audit.models import AuditEntry

    member = Member.objects.create(slug="pixhost", name="PixHost")
    assert member.named_publicly is False
    member_services.set_named_publicly(member=member, named=True, actor="pixhost admin")
    entry = AuditEntry.objects.get(action="member.named_publicly")
    assert (entry.before, entry.after) == ({"named_publicly": False}, {"named_publicly": True})


def test_with_no_named_platform_the_page_says_so_in_plain_words():
    assert "No platform has agreed to be named yet." in _get("/platforms/", "en").content.decode()


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_unknown_address_gets_the_branded_404_with_the_quick_exit_and_the_helpline(language):
    response = _get("/no-such-page/", language)
    assert response.status_code == 404
    page = response.content.decode()
    assert "data-quick-exit" in page and "The hashbank helpline" in page
    assert ("Page not found" in page) == (language == "en")


def test_a_404_under_the_api_stays_json():
    response = Client().get("/api/v1/no-such-endpoint")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_the_500_page_is_the_branded_one_and_reads_neither_database_nor_context_processors(
    settings, django_assert_max_num_queries
):
    assert urls.handler500 == "hashbank.submissions.views.server_error"
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "OPTIONS": {"context_processors": ["no.such.processor"]}}
    ]
    settings.HASHBANK_HELPLINE = {**settings.HASHBANK_HELPLINE, "phone": "0800 123 456"}
    request = RequestFactory().get("/submit/")
    with django_assert_max_num_queries(0), translation.override("es"):
        response = views.server_error(request)
    assert response.status_code == 500
    page = response.content.decode()
    assert "data-quick-exit" in page and "https://www.eltiempo.es/" in page
    assert "0800 123 456" in page
    assert "Algo ha fallado" in page


def test_a_500_under_the_api_stays_json():
    response = views.server_error(RequestFactory().get("/api/v1/submissions"))
    assert response.status_code == 500
    assert b'"server_error"' in response.content

"""The quick exit's destination: one per language from HASHBANK_QUICK_EXIT_URLS, https only."""

from __future__ import annotations

import pytest
from django.test import Client

from hashbank.config import ConfigError, language_urls
from hashbank.helpline.selectors import quick_exit_url


def test_the_default_destinations_are_a_weather_site_per_language():
    assert language_urls({}, "X", {"en": "https://a.example/"}) == {"en": "https://a.example/"}
    assert quick_exit_url("en") == "https://www.bbc.com/weather"
    assert quick_exit_url("es") == "https://www.eltiempo.es/"


def test_destinations_are_read_per_language_from_the_environment():
    parsed = language_urls({"X": "en=https://news.example/, es=https://noticias.example/"}, "X", {})
    assert parsed == {"en": "https://news.example/", "es": "https://noticias.example/"}


@pytest.mark.parametrize("raw", ["https://no-language.example/", "en=http://plain.example/", "=x"])
def test_a_destination_without_a_language_or_https_is_refused_at_start_up(raw):
    with pytest.raises(ConfigError, match="language=https://address"):
        language_urls({"X": raw}, "X", {})


def test_a_language_without_its_own_destination_gets_the_first(settings):
    settings.HASHBANK_QUICK_EXIT_URLS = {"en": "https://first.example/"}
    assert quick_exit_url("es") == "https://first.example/"
    assert quick_exit_url(None) == "https://first.example/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "destination"),
    [("en", "https://www.bbc.com/weather"), ("es", "https://www.eltiempo.es/")],
)
def test_the_quick_exit_link_goes_to_the_pages_languages_destination(language, destination):
    page = Client(HTTP_ACCEPT_LANGUAGE=language).get("/submit/").content.decode()
    assert f'class="quick-exit" href="{destination}" rel="noreferrer noopener"' in page

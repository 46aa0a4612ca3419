"""The console speaks Spanish: makemessages finds no untranslated string in the console's code
and templates, and a page rendered in Spanish shows no English text that the same page rendered
in English also shows (beyond names, codes and data, allow-listed below)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from tests.fixtures.staff import signed_in

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "hashbank" / "locale" / "es" / "LC_MESSAGES" / "django.po"

# What the console renders: its app and templates, the shared templates, and the models whose
# choice labels it shows (status, state, basis, dispute reason).
EXTRACTED = [
    "hashbank/staff",
    "hashbank/templates",
    "hashbank/cases/models.py",
    "hashbank/signals/models.py",
    "hashbank/disputes/models.py",
    "hashbank/publishing/selectors.py",
    "member_portal/reports/models.py",
]


def _missing_translations(tmp_path: Path, sources: list[str]) -> str:
    """makemessages over `sources` merged into a copy of the Spanish catalogue; the entries that
    come out untranslated or fuzzy (a new string matched to an old one only by resemblance)."""
    locale = tmp_path / "locale" / "es" / "LC_MESSAGES"
    locale.mkdir(parents=True)
    shutil.copy(PO, locale / "django.po")
    for source in sources:
        (tmp_path / source.replace("/", "_")).symlink_to(ROOT / source)
    merged = locale / "django.po"
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        # makemessages reads the tree from the current directory.
        before = os.getcwd()
        os.chdir(tmp_path)
        try:
            call_command(
                "makemessages",
                locale=["es"],
                symlinks=True,
                no_location=True,
                no_obsolete=True,
                verbosity=0,
            )
        finally:
            os.chdir(before)
    found = []
    for option in ("--untranslated", "--only-fuzzy"):
        out = subprocess.run(
            ["msgattrib", option, "--no-obsolete", str(merged)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        found += re.findall(r'^msgid (".+")$', out, re.M)  # the header's msgid is ""
    return "\n".join(found)


@pytest.mark.skipif(shutil.which("msgattrib") is None, reason="needs GNU gettext")
def test_makemessages_finds_no_untranslated_console_string(tmp_path):
    assert _missing_translations(tmp_path, EXTRACTED) == ""


class _Text(HTMLParser):
    """The text a person reads (and hears: labels, placeholders, confirmations), by node."""

    SKIP = {"script", "style", "code", "pre", "time"}  # code and notes: data
    ATTRIBUTES = ("aria-label", "placeholder", "data-confirm", "title", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skipping += 1
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                self.nodes.append(value.strip())

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.nodes.append(" ".join(data.split()))


def _text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.nodes


# Words that read the same in both languages or are names: the product, hash types, units,
# the languages' own names, and the fixture's people and platforms.
SAME_IN_BOTH = re.compile(
    r"^(hashbank|pdq|md5|phash|PDQ|MD5|UTC|PIN|CSV|English|Español|Hash|Hashes|hash|auditor|"
    r"español|HB-\w{4}-\w{4}|hbk_\w+…|[a-z]+:[a-z]+(, [a-z]+:[a-z]+)*|hash \d+|"
    r"https?://\S+|\d+ min|\d\d \w{3}|[a-z_]+\.[a-z_]+|someone|"
    r"Acme Video|acme|\(acme\)|acme \(Acme Video\)|Acme Video \(acme\)|not ours|ada|newbie)$"
)


def _english_left(english: str, spanish: str) -> list[str]:
    """Text nodes the Spanish page shares with the English one that contain a word (three
    letters or more) and are not allow-listed: English that escaped translation."""
    shared = set(_text(english)) & set(_text(spanish))
    return sorted(
        node
        for node in shared
        if re.search(r"[A-Za-z]{3,}", node)
        and not SAME_IN_BOTH.match(node)
        and not re.fullmatch(r"[\w.:#()/-]*\d[\w.:#()/-]*", node)  # numbers, codes, hashes
    )


def _get(client: Client, path: str, language: str) -> str:
    client.cookies["django_language"] = language
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert f'<html lang="{language}">' in response.content.decode()
    return response.content.decode()


# The console pages translated so far (see docs/staff-console.md, "Languages").
SIGNED_IN_PAGES = [
    "dashboard",
    "workload",
    "case",
    "cases",
    "case search",
    "review queue",
    "dispute",
    "decided disputes",
    "members",
    "member",
    "keys",
    "held hashes",
    "helpline",
    "benign list",
    "assisted",
    "assisted code",
    "audit log",
    "audit check",
    "accounts",
]


@pytest.mark.django_db
def test_console_pages_in_spanish_show_no_english_text(world, make_staff):
    from hashbank.cases.models import Case

    Case.objects.filter(pk=world.case.pk).update(locked_at=timezone.now())
    from hashbank.audit.services import record_event

    record_event(actor="someone", action="case.note_added", target=f"case:{world.case.number}")
    client = signed_in(make_staff("administrator", username="ada"))
    pages = {
        "case": f"/staff/cases/{world.case.pk}/",
        "dashboard": "/staff/",
        "workload": "/staff/workload/",
        "cases": "/staff/cases/?locked=1",
        "case search": f"/staff/cases/?q={world.case.number[2:5]}",
        "review queue": "/staff/review/",
        "dispute": f"/staff/review/{world.dispute.pk}/",
        "decided disputes": "/staff/review/decided/",
        "members": "/staff/members/",
        "member": f"/staff/members/{world.member.slug}/",
        "keys": "/staff/keys/",
        "held hashes": "/staff/held/",
        "helpline": "/staff/helpline/",
        "benign list": "/staff/benign/",
        "assisted": "/staff/cases/new/",
        "assisted code": "/staff/cases/new/code/",
        "audit log": "/staff/audit/",
        "accounts": "/staff/accounts/",
        "audit check": "/staff/audit/verify",
    }
    left = {}
    for name in SIGNED_IN_PAGES:
        path = pages[name]
        left[name] = _english_left(_get(client, path, "en"), _get(client, path, "es"))
    # Signed out: the sign-in page; password done, second factor pending: the code page.
    anonymous = Client()
    left["login"] = _english_left(
        _get(anonymous, "/staff/login/", "en"), _get(anonymous, "/staff/login/", "es")
    )
    pending = signed_in(make_staff("caseworker", username="newbie"), verified=False)
    left["verify"] = _english_left(
        _get(pending, "/staff/login/verify/", "en"), _get(pending, "/staff/login/verify/", "es")
    )
    assert {name: nodes for name, nodes in left.items() if nodes} == {}


@pytest.mark.django_db
def test_the_language_switch_is_in_the_console_header_and_remembered(client):
    page = client.get("/staff/login/").content.decode()
    assert 'action="/i18n/setlang/"' in page
    response = client.post(
        "/i18n/setlang/",
        urlencode({"language": "es", "next": "/staff/login/"}),
        content_type="application/x-www-form-urlencoded",  # the bank refuses multipart bodies
    )
    assert response.status_code == 302 and response["Location"] == "/staff/login/"
    page = client.get("/staff/login/").content.decode()
    assert '<html lang="es">' in page
    assert "Acceso del personal" in page and "Staff sign-in" not in page

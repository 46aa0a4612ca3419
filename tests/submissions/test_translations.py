"""Spanish is complete: every victim-facing string has a translation, compiled into the .mo."""

import gettext
import re
from pathlib import Path

from django.utils import translation

from hashbank.submissions.messages import page_messages

LOCALE = Path(__file__).resolve().parents[2] / "hashbank" / "locale"
PO = LOCALE / "es" / "LC_MESSAGES" / "django.po"


def _entries() -> list[tuple[str, str]]:
    text = PO.read_text(encoding="utf-8")
    entries = []
    for block in text.split("\n\n")[1:]:
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        msgstr = re.search(r'^msgstr ((?:".*"\n?)+)', block, re.M)
        join = lambda m: "".join(eval(line) for line in m.group(1).split("\n") if line)  # noqa: E731, S307
        entries.append((join(msgid), join(msgstr)))
    return entries


def test_every_string_in_the_spanish_catalogue_is_translated_and_compiled():
    entries = _entries()
    assert len(entries) > 100
    assert "fuzzy" not in PO.read_text(encoding="utf-8")
    compiled = gettext.GNUTranslations(open(PO.with_suffix(".mo"), "rb"))
    for msgid, msgstr in entries:
        assert msgstr, msgid
        assert compiled.gettext(msgid) == msgstr, msgid
        # Placeholders survive translation.
        assert sorted(re.findall(r"%\(\w+\)s", msgid)) == sorted(re.findall(r"%\(\w+\)s", msgstr))


def test_the_page_script_strings_come_out_in_spanish():
    with translation.override("es"):
        messages = page_messages()
    with translation.override("en"):
        english = page_messages()
    untranslated = [key for key in messages if messages[key] == english[key]]
    assert untranslated == []

"""Spanish is complete: every victim-facing string has a translation, compiled into the .mo."""

import gettext
import re
from pathlib import Path

from django.utils import translation

from hashbank.submissions.messages import page_messages

LOCALE = Path(__file__).resolve().parents[2] / "hashbank" / "locale"
PO = LOCALE / "es" / "LC_MESSAGES" / "django.po"


# A number that selects each plural form under the catalogue's Plural-Forms (n == 1 ? 0 :
# n != 0 && n % 1000000 == 0 ? 1 : 2).
PLURAL_FORM_NUMBERS = {0: 1, 1: 1_000_000, 2: 2}


def _entries() -> list[tuple[str | None, str, str | None, int, str]]:
    """(msgctxt or None, msgid, msgid_plural or None, plural form index, msgstr) for every
    translation."""
    text = PO.read_text(encoding="utf-8")
    entries = []
    for block in text.split("\n\n")[1:]:
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        context = re.search(r'^msgctxt ((?:".*"\n?)+)', block, re.M)
        plural = re.search(r'^msgid_plural ((?:".*"\n?)+)', block, re.M)
        join = lambda m: "".join(eval(line) for line in m.group(1).split("\n") if line)  # noqa: E731, S307
        ctx = join(context) if context else None
        if plural:
            for form in re.finditer(r'^msgstr\[(\d)\] ((?:".*"\n?)+)', block, re.M):
                text_of = "".join(eval(line) for line in form.group(2).split("\n") if line)  # noqa: S307
                entries.append((ctx, join(msgid), join(plural), int(form.group(1)), text_of))
            continue
        msgstr = re.search(r'^msgstr ((?:".*"\n?)+)', block, re.M)
        entries.append((ctx, join(msgid), None, 0, join(msgstr)))
    return entries


def test_every_string_in_the_spanish_catalogue_is_translated_and_compiled():
    entries = _entries()
    assert len(entries) > 100
    assert "fuzzy" not in PO.read_text(encoding="utf-8")
    compiled = gettext.GNUTranslations(open(PO.with_suffix(".mo"), "rb"))
    for ctx, msgid, plural, form, msgstr in entries:
        assert msgstr, msgid
        n = PLURAL_FORM_NUMBERS[form]
        if plural is None:
            found = compiled.pgettext(ctx, msgid) if ctx else compiled.gettext(msgid)
        else:
            found = (
                compiled.npgettext(ctx, msgid, plural, n)
                if ctx
                else compiled.ngettext(msgid, plural, n)
            )
        assert found == msgstr, msgid
        # Placeholders survive translation.
        source = msgid if form == 0 else plural
        assert sorted(re.findall(r"%\(\w+\)s", source)) == sorted(re.findall(r"%\(\w+\)s", msgstr))


def test_the_page_script_strings_come_out_in_spanish():
    with translation.override("es"):
        messages = page_messages()
    with translation.override("en"):
        english = page_messages()
    untranslated = [key for key in messages if messages[key] == english[key]]
    assert untranslated == []

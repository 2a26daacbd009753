"""French is the default language and Portuguese the third: every string of the code is translated in both
and each compiled catalogue matches its source. English needs no catalogue entry: its text is the code's."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

TRANSLATED = ["fr", "pt"]


def catalogue(language: str) -> Path:
    return Path(settings.BASE_DIR) / "hub" / "locale" / language / "LC_MESSAGES" / "django.po"


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file as dicts of msgctxt, msgid, msgid_plural, msgstr[...] and flags."""
    entries, entry, key = [], {}, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry:
                entries.append(entry)
            entry, key = {}, None
        elif line.startswith("#,"):
            entry["flags"] = line[2:].strip()
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    return [entry for entry in entries if entry.get("msgid")]


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_entry_is_translated_and_not_fuzzy(language):
    entries = read_po(catalogue(language))
    assert len(entries) > 100
    untranslated = [
        entry["msgid"]
        for entry in entries
        if "fuzzy" in entry.get("flags", "")
        or not all(value.strip() for key, value in entry.items() if key.startswith("msgstr"))
    ]
    assert untranslated == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_compiled_catalogue_matches_its_source(language):
    entries = [entry for entry in read_po(catalogue(language)) if "msgid_plural" not in entry]
    with translation.override(language):
        for entry in entries:
            if "msgctxt" in entry:
                translated = translation.pgettext(entry["msgctxt"], entry["msgid"])
            else:
                translated = translation.gettext(entry["msgid"])
            assert translated == entry["msgstr"], entry["msgid"]

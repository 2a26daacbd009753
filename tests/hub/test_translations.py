"""French is the default language: every string of the code is translated and the compiled catalogue
matches its source."""

import ast
from pathlib import Path

from django.conf import settings
from django.utils import translation

FRENCH_CATALOGUE = Path(settings.BASE_DIR) / "hub" / "locale" / "fr" / "LC_MESSAGES" / "django.po"


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


def test_every_french_entry_is_translated_and_not_fuzzy():
    entries = read_po(FRENCH_CATALOGUE)
    assert len(entries) > 100
    untranslated = [
        entry["msgid"]
        for entry in entries
        if "fuzzy" in entry.get("flags", "")
        or not all(value.strip() for key, value in entry.items() if key.startswith("msgstr"))
    ]
    assert untranslated == []


def test_compiled_catalogue_matches_its_source():
    entries = [entry for entry in read_po(FRENCH_CATALOGUE) if "msgid_plural" not in entry]
    with translation.override("fr"):
        for entry in entries:
            if "msgctxt" in entry:
                translated = translation.pgettext(entry["msgctxt"], entry["msgid"])
            else:
                translated = translation.gettext(entry["msgid"])
            assert translated == entry["msgstr"], entry["msgid"]

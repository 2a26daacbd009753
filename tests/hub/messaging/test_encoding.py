"""How many text messages a text takes (hub.messaging.encoding): GSM-7 or UCS-2, parts, shortening."""

import pytest

from hub.messaging import encoding

GSM, UCS = encoding.GSM_7, encoding.UCS_2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bonjour, votre demande est reçue.", UCS),  # ç is not in GSM 03.38
        ("Votre visite est prévue à Ségou, élève.", GSM),  # é, è, à are
        ("Où êtes-vous ?", UCS),  # ê is not
        ("Ça marche", GSM),  # capital Ç is
        ("Prix : 10 €, [code] {x} ^~|\\", GSM),  # the extension table
        ("Rendez-vous 😀", UCS),
        ("", GSM),
    ],
)
def test_encoding_of(text, expected):
    assert encoding.encoding_of(text) == expected


def test_gsm_single_message_holds_160_characters_and_parts_153():
    assert encoding.count_parts("a" * 160) == 1
    assert encoding.count_parts("a" * 161) == 2
    assert [len(part) for part in encoding.split("a" * 161)] == [153, 8]
    assert encoding.count_parts("é" * 306) == 2
    assert encoding.count_parts("é" * 307) == 3


def test_ucs2_single_message_holds_70_characters_and_parts_67():
    assert encoding.count_parts("ç" * 70) == 1
    assert encoding.count_parts("ç" * 71) == 2
    assert [len(part) for part in encoding.split("ê" * 71)] == [67, 4]
    # One ê makes the whole text UCS-2: 100 letters take two messages instead of one.
    assert encoding.count_parts("a" * 99 + "ê") == 2


def test_extension_characters_count_twice():
    assert encoding.count_parts("€" * 80) == 1
    assert encoding.count_parts("€" * 81) == 2
    assert encoding.count_parts("a" * 159 + "[") == 2


def test_a_two_unit_character_is_never_cut():
    parts = encoding.split("a" * 152 + "€" + "b" * 10)
    assert parts[0] == "a" * 152  # the € would end the part at unit 154
    assert parts[1].startswith("€")
    emoji = encoding.split("a" * 66 + "😀" + "b" * 10)  # 😀 is two UTF-16 units
    assert emoji[0] == "a" * 66
    assert emoji[1].startswith("😀")
    assert "".join(emoji) == "a" * 66 + "😀" + "b" * 10


def test_empty_text_takes_no_message():
    assert encoding.split("") == []
    assert encoding.count_parts("") == 0


def test_shorten_keeps_a_text_that_fits():
    text = "Votre demande est reçue."
    assert encoding.shorten(text, 1) is text


@pytest.mark.parametrize("max_parts", [1, 2, 3])
def test_shorten_cuts_at_a_word_with_an_ellipsis(max_parts):
    text = " ".join(["demande"] * 200)
    short = encoding.shorten(text, max_parts)
    assert encoding.count_parts(short) == max_parts
    assert short.endswith("demande...")
    assert text.startswith(short[:-3])


def test_shorten_ucs2_uses_the_one_character_ellipsis():
    short = encoding.shorten("être " * 100, 1)
    assert short.endswith("…")
    assert encoding.encoding_of(short) == UCS
    assert encoding.count_parts(short) == 1


@pytest.mark.parametrize("max_parts", [1, 2, 3])
@pytest.mark.parametrize("lead", range(140, 160))
def test_shorten_fits_even_when_parts_cannot_end_on_a_two_unit_character(max_parts, lead):
    """Parts that end before a € hold 152 units: the cut counts the parts, not only the units."""
    short = encoding.shorten("a" * lead + "€" * 400, max_parts)
    assert encoding.count_parts(short) <= max_parts


def test_shorten_fits_with_emoji():
    short = encoding.shorten("x" + "😀" * 200, 2)
    assert encoding.count_parts(short) <= 2


def test_plain_replaces_typography():
    text = "L’entreprise « Kéné » – ouverte… merci\u00a0!\u202fOK"
    assert encoding.plain(text) == 'L\'entreprise " Kéné " - ouverte... merci ! OK'
    assert encoding.encoding_of(encoding.plain(text)) == GSM


def test_plain_collapses_a_space_doubled_by_a_no_break_space():
    assert encoding.plain("Prix :\u00a0 10") == "Prix : 10"


def test_plain_keeps_accents():
    assert encoding.plain("élève à Kayes, maïs") == "élève à Kayes, maïs"

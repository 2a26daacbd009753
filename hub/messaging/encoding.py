"""How many text messages a text takes. A text in the GSM 03.38 alphabet (GSM-7: é, è, à, ù are in it;
ê, â, î, ô, û, ç are not) takes 160 characters in one message and 153 per part when split; any other
character makes the whole text UCS-2: 70 characters in one message, 67 per part. The characters of the
alphabet's extension (€, [, ], {, }, ^, ~, |, \\) count twice.

`plain` first replaces the typographic signs French text is full of (’, « », …, no-break spaces) by their
plain equivalents, as the providers' "smart encoding" does: a single ’ would make a whole message UCS-2 and
more than double its parts. Accented letters are kept."""

import re

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")
GSM_7 = "GSM-7"
UCS_2 = "UCS-2"
SINGLE = {GSM_7: 160, UCS_2: 70}
PER_PART = {GSM_7: 153, UCS_2: 67}
ELLIPSIS = {GSM_7: "...", UCS_2: "…"}
PLAIN = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "“": '"',
        "”": '"',
        "«": '"',
        "»": '"',
        "…": "...",
        "–": "-",
        "—": "-",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
    }
)


def plain(text: str) -> str:
    """The text with its typographic signs made plain; a space doubled by a no-break space is one."""
    return re.sub(" {2,}", " ", text.translate(PLAIN))


def encoding_of(text: str) -> str:
    return GSM_7 if all(char in GSM_BASIC or char in GSM_EXTENSION for char in text) else UCS_2


def _units(char: str, encoding: str) -> int:
    """Septets (GSM-7) or UTF-16 code units (UCS-2) the character takes."""
    if encoding == GSM_7:
        return 2 if char in GSM_EXTENSION else 1
    return 2 if ord(char) > 0xFFFF else 1


def split(text: str) -> list[str]:
    """The parts the text is sent in; a character that takes two units is never cut in two."""
    encoding = encoding_of(text)
    if sum(_units(char, encoding) for char in text) <= SINGLE[encoding]:
        return [text] if text else []
    parts, current, used = [], [], 0
    for char in text:
        units = _units(char, encoding)
        if used + units > PER_PART[encoding]:
            parts.append("".join(current))
            current, used = [], 0
        current.append(char)
        used += units
    parts.append("".join(current))
    return parts


def count_parts(text: str) -> int:
    return len(split(text))


def shorten(text: str, max_parts: int) -> str:
    """`text` if it fits in `max_parts` messages, else cut at a word with an ellipsis to fit. The parts are
    counted as `split` makes them: a part that cannot end with a two-unit character holds one unit less."""
    if count_parts(text) <= max_parts:
        return text
    encoding = encoding_of(text)
    budget = (PER_PART[encoding] if max_parts > 1 else SINGLE[encoding]) * max_parts
    ellipsis = ELLIPSIS[encoding]
    kept, used = [], sum(_units(char, encoding) for char in ellipsis)
    for char in text:
        used += _units(char, encoding)
        if used > budget:
            break
        kept.append(char)
    cut = "".join(kept)
    if " " in cut[len(cut) // 2 :]:
        cut = cut[: cut.rindex(" ")]
    while cut and count_parts(cut.rstrip() + ellipsis) > max_parts:
        cut = cut[:-1]
    return cut.rstrip() + ellipsis

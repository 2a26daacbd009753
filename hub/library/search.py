"""Search of the technology library that finds what a person typed in French, whatever the accents,
plurals or word endings: "séchage" finds "sécher", "mangues" finds "mangue".

Both the stored text and the query are folded (no accents, lower case). Each query word is cut to a
light French stem (plural and common derivational endings removed) and matched as the start of a
word: on PostgreSQL with its full-text search and the French stemmer, on the expression
`to_tsvector('french', search_text)` that migration hub 0006 indexes; on SQLite with LIKE on the same
folded text."""

import re
import unicodedata

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

WORD = re.compile(r"[a-z0-9]+")
ENDINGS = sorted(
    [
        "issements", "issement", "ations", "ation", "ements", "ement", "ments", "ment", "ages", "age",
        "euses", "euse", "eurs", "eur", "trices", "trice", "ieres", "iere", "iers", "ier", "ees", "ee",
        "ites", "ite", "ions", "ion", "er", "ez", "es", "e", "s", "x",
    ],
    key=len,
    reverse=True,
)  # fmt: skip
MIN_STEM = 4


def fold(text: str) -> str:
    """Lower case without accents: "Séchoir à MANGUES" → "sechoir a mangues"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def searchable(text: str) -> str:
    """The text as it is stored for the search: folded words separated by single spaces, so that
    "d’irrigation" holds the word "irrigation"."""
    return " ".join(WORD.findall(fold(text)))


def stem(word: str) -> str:
    """The longest ending of ENDINGS is cut while at least MIN_STEM letters stay: "sechage" → "sech",
    "secher" → "sech", "mangues" → "mangu", "mangue" → "mangu"."""
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return word[: -len(ending)]
    return word


def query_stems(query: str) -> list[str]:
    return list(dict.fromkeys(stem(word) for word in WORD.findall(fold(query)) if len(word) > 1))


def search(queryset: QuerySet, query: str, *, field: str = "search_text") -> QuerySet:
    """Rows of `queryset` whose folded `field` has a word starting with every stem of `query`."""
    stems = query_stems(query)
    if not stems:
        return queryset
    if connection.vendor == "postgresql":
        terms = " & ".join(f"{term}:*" for term in stems)
        table = connection.ops.quote_name(queryset.model._meta.db_table)
        column = connection.ops.quote_name(queryset.model._meta.get_field(field).column)
        matches = RawSQL(  # noqa: S611 - quoted names; the terms go as a parameter  # nosec B611
            f"to_tsvector('french', {table}.{column}) @@ to_tsquery('french', %s)",
            [terms],
            output_field=BooleanField(),
        )
        return queryset.filter(matches)
    condition = Q()
    for term in stems:
        condition &= Q(**{f"{field}__startswith": term}) | Q(**{f"{field}__contains": f" {term}"})
    return queryset.filter(condition)

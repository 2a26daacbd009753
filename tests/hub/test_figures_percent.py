"""A percentage reads the same on the page and in the PDF, rounded half up, and a share short of 1 (a
target not met) never reads 100 %."""

import pytest
from django.utils import translation

from hub.reports.figures import format_amount, format_days, format_number, format_share
from hub.templatetags.figures import percent


@pytest.mark.parametrize(
    ("share", "page", "pdf"),
    [
        (0.9269, "92,7 %", "92,7\u202f%"),
        (0.92649, "92,6 %", "92,6\u202f%"),
        (0.99951, "99,9 %", "99,9\u202f%"),
        (0.9999999, "99,9 %", "99,9\u202f%"),
        (1.0, "100,0 %", "100,0\u202f%"),
        (1.00049, "100,0 %", "100,0\u202f%"),
        (0.0, "0,0 %", "0,0\u202f%"),
    ],
)
def test_the_page_and_the_pdf_agree(share, page, pdf):
    with translation.override("fr"):
        assert percent(share) == page
        assert format_share(share, decimals=1) == pdf


def test_without_decimals_a_share_short_of_one_reads_99():
    with translation.override("fr"):
        assert format_share(0.996, decimals=0) == "99\u202f%"
        assert format_share(0.994, decimals=0) == "99\u202f%"
        assert format_share(1.0, decimals=0) == "100\u202f%"


def test_numbers_read_the_french_way_with_thin_spaces():
    nnbsp = "\u202f"
    with translation.override("fr"):
        assert format_amount(3843927000) == f"3{nnbsp}843{nnbsp}927{nnbsp}000\u00a0FCFA"
        assert format_amount(-774000, signed=True) == f"\u2212774{nnbsp}000\u00a0FCFA"
        assert format_amount(2972000, signed=True) == f"+2{nnbsp}972{nnbsp}000\u00a0FCFA"
        assert format_share(0.8586) == f"85,9{nnbsp}%"
        assert format_share(0.0353, signed=True) == f"+3,5{nnbsp}%"
        assert format_days(0.28) == "0,3"
        assert format_number(0, signed=True) == "0"
        assert format_number(None) == format_share(None) == format_amount(None) == "—"
    with translation.override("en"):
        assert format_days(0.28) == "0.3"

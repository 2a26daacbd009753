"""A percentage reads the same on the page and in the PDF, rounded half up, and a share short of 1 (a
target not met) never reads 100 %."""

import pytest
from django.utils import translation

from hub.reports.charts import format_share
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
        assert format_share(0.996) == "99\u202f%"
        assert format_share(0.994) == "99\u202f%"
        assert format_share(1.0) == "100\u202f%"

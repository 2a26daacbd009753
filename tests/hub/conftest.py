"""Fixtures of the programme-wide tests."""

import pytest

from hub.reports import pdf


@pytest.fixture
def pdf_tables(monkeypatch) -> list[dict]:
    """The tables the PDF draws, as `pdf.draw_table` receives them, in the order drawn."""
    tables = []
    draw_table = pdf.draw_table

    def recorded(doc, page, **table):
        tables.append(table)
        return draw_table(doc, page, **table)

    monkeypatch.setattr(pdf, "draw_table", recorded)
    return tables

"""Fixtures of the imports: spreadsheets built in memory, with the templates' French headers."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hub.imports.resources import RESOURCES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def headers(kind: str) -> dict[str, str]:
    """The French header of each column of `kind`, by column name."""
    return {name: str(column.label) for name, column in RESOURCES[kind].columns().items()}


def xlsx(kind: str, rows: list[dict], *, name: str = "fichier.xlsx") -> SimpleUploadedFile:
    """An XLSX file of `kind` whose columns are those the rows use, under their French headers."""
    names = list(dict.fromkeys(column for row in rows for column in row))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([headers(kind)[column] for column in names])
    for row in rows:
        sheet.append([row.get(column) for column in names])
    output = io.BytesIO()
    book.save(output)
    return SimpleUploadedFile(name, output.getvalue(), content_type=XLSX)


def csv_file(kind: str, rows: list[dict], *, name: str = "fichier.csv", delimiter: str = ";") -> SimpleUploadedFile:
    names = list(dict.fromkeys(column for row in rows for column in row))
    output = io.StringIO()
    writer = csv.writer(output, delimiter=delimiter)
    writer.writerow([headers(kind)[column] for column in names])
    for row in rows:
        writer.writerow([row.get(column, "") for column in names])
    return SimpleUploadedFile(name, output.getvalue().encode("utf-8-sig"), content_type="text/csv")


def enterprise_row(**fields) -> dict:
    return {
        "name": "Savonnerie Kadiatou",
        "sector": "C",
        "region": "Bamako",
        "commune": "Commune IV",
        "owner_name": "Kadiatou Sangaré",
        "owner_phone": "76 11 22 33",
        "employees_total": 4,
        "employees_women": 3,
        "women_led": "oui",
        **fields,
    }


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files in a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path

"""Spreadsheet files in and out. An upload (XLSX, or CSV separated by commas or semicolons) is read into a
dataset whose headers are the columns' names: a header is recognised in any language of the site, whatever
its accents, its case and the star of a required column. Lines keep their number in the file, blank ones
included, so that a refusal points at the line the person sees. The template of each kind holds the
headers, and on a second sheet what each column takes and the codes."""

import csv
import io
import zipfile
from dataclasses import dataclass

import openpyxl
import tablib
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from hub.imports.resources import RecordResource
from hub.imports.widgets import cell_text, in_every_language, key

MAX_BYTES = 10 * 1024 * 1024
TRAILING_BLANKS = 1_000
"""Blank lines after which a spreadsheet is taken to end (formatted, empty rows)."""
EXTENSIONS = ("xlsx", "csv")
REQUIRED_MARK = "*"


def _file_error(message: str) -> ValidationError:
    return ValidationError({"file": message})


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


UNREADABLE = (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError, csv.Error)
"""What openpyxl and csv raise on a file that is no spreadsheet or a damaged one (XML errors are SyntaxErrors)."""


def _xlsx_rows(content: bytes):
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        yield from book.worksheets[0].iter_rows(values_only=True)
    finally:
        book.close()


def _csv_rows(content: bytes):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    yield from csv.reader(io.StringIO(text), delimiter=delimiter)


@dataclass(frozen=True)
class Sheet:
    dataset: tablib.Dataset
    """Headers: the names of the columns recognised; one row per line of the file after the headers."""
    ignored: list[str]
    """Headers of the file that are no column of the kind."""


def _header_names(resource_class: type[RecordResource]) -> dict[str, str]:
    names = {}
    for name, column in resource_class.columns().items():
        for alias in (key(name), *in_every_language(column.label)):
            names[alias] = name
    return names


def read_upload(upload, *, resource_class: type[RecordResource], max_lines: int | None) -> Sheet:
    """Raises ValidationError on "file" for a file that cannot be read, lacks a required column, or holds
    no line or more than `max_lines` (None: no limit)."""
    extension = extension_of(upload.name)
    if extension not in EXTENSIONS:
        raise _file_error(_("Send an XLSX or CSV file, such as the template."))
    if upload.size > MAX_BYTES:
        raise _file_error(_("The file can be at most 10 MB."))
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    rows = _xlsx_rows(content) if extension == "xlsx" else _csv_rows(content)
    try:
        columns, ignored = _columns(next(rows, None) or [], resource_class)
        lines = _lines(rows, columns, max_lines=max_lines)
    except UNREADABLE as error:
        raise _file_error(
            _("This file cannot be read: save it as XLSX or CSV from your spreadsheet program.")
        ) from error
    return Sheet(tablib.Dataset(*lines, headers=list(columns.values())), ignored)


def _columns(header, resource_class: type[RecordResource]) -> tuple[dict[int, str], list[str]]:
    """The column of each header cell recognised, by its index, and the headers not recognised."""
    names = _header_names(resource_class)
    columns: dict[int, str] = {}
    ignored = []
    for index, cell in enumerate(header):
        text = cell_text(cell).rstrip(REQUIRED_MARK).strip()
        if not text:
            continue
        name = names.get(key(text))
        if name is None:
            ignored.append(text)
        elif name in columns.values():
            raise _file_error(_("The column “%(column)s” appears twice.") % {"column": text})
        else:
            columns[index] = name
    missing = [
        str(column.label)
        for name, column in resource_class.columns().items()
        if column.required and name not in columns.values()
    ]
    if missing:
        raise _file_error(
            _("Columns missing from the first line: %(columns)s. Start from the template.")
            % {"columns": ", ".join(missing)}
        )
    return columns, ignored


def _lines(rows, columns: dict[int, str], *, max_lines: int | None) -> list[list]:
    """The cells of the recognised columns, line by line, without the blank lines that end the file."""
    lines, blanks = [], 0
    for row in rows:
        values = [row[index] if index < len(row) else None for index in columns]
        blanks = 0 if any(cell_text(value) for value in values) else blanks + 1
        if blanks > TRAILING_BLANKS:
            break
        lines.append(values)
        if max_lines is not None and len(lines) - blanks > max_lines:
            raise _file_error(
                _(
                    "The file has more than %(count)d lines, more than this page imports within its time: split "
                    "it into several files, or have it imported with the command import_records."
                )
                % {"count": max_lines}
            )
    lines = lines[: len(lines) - blanks]
    if not lines:
        raise _file_error(_("The file has no line to import under its headers."))
    return lines


def template(resource: RecordResource, *, extension: str) -> bytes:
    """The blank file of the resource's kind for its hub: the headers (a star marks a required column) and,
    in an XLSX, a sheet of the columns and the codes they take."""
    headers = [
        f"{column.label} {REQUIRED_MARK}" if column.required else str(column.label)
        for column in resource.fields.values()
    ]
    if extension == "csv":
        output = io.StringIO()
        csv.writer(output, delimiter=";").writerow(headers)
        return ("\ufeff" + output.getvalue()).encode()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _("Lines")
    _append(sheet, headers, bold=True)
    sheet.freeze_panes = "A2"
    for cell, header in zip(sheet[1], headers, strict=True):
        sheet.column_dimensions[cell.column_letter].width = max(12, len(header) + 2)
    codes = book.create_sheet(_("Codes"))
    _append(codes, [_("Column"), _("Required"), _("What to write")], bold=True)
    for column in resource.fields.values():
        described = " ".join(str(text) for text in (column.widget.describe(), column.help_text) if text)
        _append(codes, [str(column.label), _("yes") if column.required else "", described])
    for column in resource.fields.values():
        if column.codes():
            _append(codes, [None])
            _append(codes, [str(column.label)], bold=True)
            _append(codes, [_("Code"), _("Meaning")], bold=True)
            for code, meaning in column.codes():
                _append(codes, [code, meaning])
    for letter, width in (("A", 34), ("B", 40), ("C", 70)):
        codes.column_dimensions[letter].width = width
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _append(sheet, values: list, *, bold: bool = False) -> None:
    sheet.append(values)
    if bold:
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)

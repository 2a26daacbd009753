"""The template of each kind: its headers in French (a star on the required ones) and, in the XLSX, what each
column takes and the codes of the hub's country; filled in, it imports as it is."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Case, CaseStatus
from hub.country.units import ensure_units
from hub.imports.resources import RESOURCES
from hub.models import Enterprise, ImportBatch
from tests.factories import NigerHubFactory
from tests.hub.imports.conftest import headers
from visits.models import Visit

pytestmark = pytest.mark.django_db


def download(client, kind: str, extension: str = "xlsx", hub: str = "") -> bytes:
    response = client.get(f"/manage/imports/templates/{kind}.{extension}" + (f"?hub={hub}" if hub else ""))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return response.content


def sheets(content: bytes) -> list[list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets]


@pytest.mark.parametrize("kind", ImportBatch.Kind.values)
def test_the_headers_are_the_columns_and_the_codes_are_on_a_second_sheet(as_manager, kind):
    lines, codes = sheets(download(as_manager, kind))

    columns = RESOURCES[kind].columns().values()
    assert list(lines[0]) == [str(column.label) + (" *" if column.required else "") for column in columns]
    assert len(lines) == 1
    assert set(headers(kind).values()) <= {row[0] for row in codes}


def test_the_required_columns_of_enterprises_are_marked(as_manager):
    lines, _codes = sheets(download(as_manager, "enterprises"))

    starred = [header.removesuffix(" *") for header in lines[0] if header.endswith(" *")]
    named = headers("enterprises")
    assert starred == [named[name] for name in ("name", "sector", "region", "owner_name", "owner_phone")]


def test_the_enterprises_codes_are_the_hubs_regions_the_sectors_and_the_turnover_bands(as_manager):
    _lines, codes = sheets(download(as_manager, "enterprises"))

    listed = {row[0] for row in codes}
    assert {"ML-BKO", "A", "C", "U", "lt30m", "gt1b"} <= listed
    assert not any(str(code).startswith("NE-") for code in listed)


def test_an_administrator_downloads_any_hubs_template(client, admin_user, hub):
    niger = NigerHubFactory(code="NE")
    ensure_units("NE")
    client.force_login(admin_user)

    _lines, codes = sheets(download(client, "enterprises", hub=niger.code))

    listed = {str(row[0]) for row in codes}
    assert any(code.startswith("NE-") for code in listed)
    assert "ML-BKO" not in listed


def test_the_csv_template_is_the_headers_separated_by_semicolons(as_manager):
    content = download(as_manager, "cases", "csv").decode("utf-8-sig")

    assert content.strip().split(";")[0] == headers("cases")["enterprise"] + " *"


def fill(content: bytes, kind: str, rows: list[dict], name: str) -> SimpleUploadedFile:
    """The template with `rows` added under its headers, each value in the column of its name."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    lines = book.worksheets[0]
    labels = {label: name for name, label in headers(kind).items()}
    order = [labels[cell.value.removesuffix(" *")] for cell in lines[1]]
    for row in rows:
        lines.append([row.get(column) for column in order])
    book.active = 1  # saved while looking at the codes: the lines are still read from the first sheet
    output = io.BytesIO()
    book.save(output)
    return SimpleUploadedFile(name, output.getvalue())


def check_and_import(client, kind: str, rows: list[dict]) -> ImportBatch:
    upload = fill(download(client, kind), kind, rows, f"{kind}.xlsx")
    response = client.post("/manage/imports/", {"kind": kind, "file": upload, "on_duplicate": "skip"})
    assert response.status_code == 302, response.context["form"].errors
    batch = ImportBatch.objects.latest("pk")
    assert batch.refused_count == 0, batch.report["refused"]
    response = client.post(f"/manage/imports/{batch.pk}/import/", {"on_duplicate": "skip"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    return batch


def test_round_trip_of_the_three_templates(as_manager, hub, referent, media):
    """Download each template, fill it in as a hub would, import it."""
    kadiatou = {"name": "Savonnerie Kadiatou", "sector": "C", "region": "Ségou", "commune": "Pelengana"}
    kadiatou |= {"owner_name": "Kadiatou Sangaré", "owner_phone": "76 11 22 33", "latitude": 13.43, "longitude": -6.26}
    kadiatou |= {"women_led": "oui", "employees_total": 4, "employees_women": 3, "consent_given": "oui"}
    kadiatou["consent_date"] = datetime.date(2024, 5, 2)
    garage = {"name": "Garage Moderne", "rccm": "MA.BKO.2019.B.1234", "sector": "G", "region": "ML-BKO"}
    garage |= {"owner_name": "Issa Koné", "owner_phone": "66 44 55 66", "owner_email": "issa@example.org"}
    garage |= {"youth_led": "oui", "employees_total": 12, "turnover_band": "30m-150m"}
    check_and_import(as_manager, "enterprises", [kadiatou, garage])
    assert Enterprise.objects.count() == 2
    assert Enterprise.objects.get(name="Garage Moderne").size_class == "small"

    resolved = {"enterprise": "Savonnerie Kadiatou", "received_at": datetime.datetime(2025, 1, 6, 9, 0)}  # noqa: DTZ001
    resolved |= {"channel": "phone", "domain": "chemistry", "title": "Saponification", "status": "resolved"}
    resolved |= {"assigned_to": "referent", "resolved_at": "01/02/2025 16:00", "resolution_summary": "Formée"}
    resolved["satisfaction_rating"] = 5
    rejected = {"enterprise": "Garage", "enterprise_phone": "66 44 55 66", "received_at": "07/01/2025"}
    rejected |= {"channel": "walk_in", "domain": "mechanics", "title": "Tour", "priority": "high"}
    rejected |= {"status": "rejected", "rejection_reason": "Hors du champ du programme"}
    check_and_import(as_manager, "cases", [resolved, rejected])
    case = Case.objects.get(title="Saponification")
    assert (case.status, case.satisfaction_rating, case.reference) == (CaseStatus.RESOLVED, 5, "ML-2025-00001")
    assert case.assigned_to == referent and case.created_by.username == "manager"
    assert Case.objects.get(title="Tour").rejection_reason == "Hors du champ du programme"

    visit = {"referent": "referent", "enterprise": "Savonnerie Kadiatou", "started_at": "06/01/2025 10:00"}
    visit |= {"duration_minutes": 90, "purpose": "diagnostic", "observations": "Cuves ouvertes"}
    visit |= {"follow_up_date": "20/01/2025", "people_reached_total": 5, "people_reached_women": 2}
    check_and_import(as_manager, "visits", [visit])
    stored = Visit.objects.get()
    assert (stored.duration_minutes, stored.people_reached_total, stored.follow_up_date) == (
        90,
        5,
        datetime.date(2025, 1, 20),
    )

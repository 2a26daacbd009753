"""The check of a file (the dry run of its upload): nothing is stored, the batch keeps a preview of what would
be created, updated, skipped and refused, and each refused line says why, column by column."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from hub.imports import services
from hub.imports.resources import EnterpriseResource
from hub.models import Enterprise, FollowUp, ImportBatch
from tests.factories import EnterpriseFactory
from tests.hub.imports.conftest import csv_file, enterprise_row, xlsx
from visits.models import Visit

pytestmark = pytest.mark.django_db


def upload(hub, manager, kind, rows, **options) -> ImportBatch:
    return services.batch_upload(hub=hub, kind=kind, upload=xlsx(kind, rows), by=manager, **options)


def refusals(batch: ImportBatch) -> dict[int, dict[str, str]]:
    """{line: {column: message}} of the batch's refused lines."""
    return {line["line"]: dict(line["errors"]) for line in batch.report["refused"]}


def test_a_check_stores_nothing_and_previews_each_line(hub, manager, media):
    rows = [
        enterprise_row(),
        enterprise_row(name="Moulin Fanta", owner_phone="66 12 34 56"),
        enterprise_row(region="?"),
    ]

    batch = upload(hub, manager, "enterprises", rows)

    assert Enterprise.objects.count() == 0
    assert not Enterprise.history.exists()
    assert batch.status == ImportBatch.Status.CHECKED
    assert (batch.rows, batch.created_count, batch.updated_count, batch.skipped_count, batch.refused_count) == (
        3,
        2,
        0,
        0,
        1,
    )
    assert [(line["line"], line["label"]) for line in batch.report["created"]] == [
        (2, "Savonnerie Kadiatou"),
        (3, "Moulin Fanta"),
    ]
    assert list(refusals(batch)) == [4]
    assert batch.file.name.endswith(".xlsx") and batch.file_name == "fichier.xlsx"


def test_a_check_of_past_cases_and_visits_stores_nothing_either(hub, manager, referent, media):
    EnterpriseFactory(hub=hub, name="Karité Plus", owner_phone="+22376000001")
    started = datetime.datetime(2025, 3, 15, 9, 30)  # noqa: DTZ001 - as typed in a sheet

    case = {"enterprise": "Karite plus", "received_at": started, "channel": "phone", "domain": "agro"}
    visit = {"referent": "referent", "enterprise": "KARITÉ PLUS", "started_at": started, "purpose": "diagnostic"}

    cases = upload(hub, manager, "cases", [{**case, "title": "Séchoir", "status": "new"}])
    visits = upload(hub, manager, "visits", [{**visit, "duration_minutes": 90}])

    assert (cases.created_count, visits.created_count) == (1, 1)
    assert not Case.objects.exists() and not Visit.objects.exists() and not FollowUp.objects.exists()


def test_a_csv_with_semicolons_or_commas_is_read_like_a_spreadsheet(hub, manager, media):
    for delimiter in ";,":
        upload_file = csv_file("enterprises", [enterprise_row()], delimiter=delimiter)
        batch = services.batch_upload(hub=hub, kind="enterprises", upload=upload_file, by=manager)
        assert (batch.created_count, batch.refused_count) == (1, 0)


class TestRefusals:
    """Each reason, on the column it is about, with the line number of the file (headers are line 1)."""

    def test_unknown_region(self, hub, manager, media):
        rows = [enterprise_row(), enterprise_row(name="Autre", owner_phone="66 00 00 01", region="Tombouctou-Nord")]
        batch = upload(hub, manager, "enterprises", rows)
        unknown = _("Unknown region “%(value)s” in %(country)s.") % {"value": "Tombouctou-Nord", "country": "Mali"}
        assert refusals(batch) == {3: {"region": unknown}}

    def test_a_region_is_read_by_its_name_or_code_whatever_the_accents(self, hub, manager, media):
        rows = [enterprise_row(region="ségou"), enterprise_row(region="ML-BKO", owner_phone="66 00 00 01")]
        assert upload(hub, manager, "enterprises", rows).refused_count == 0

    @pytest.mark.parametrize("phone", ["123", "+221 77 123 45 67", "20 2"])
    def test_phone_number_not_valid_for_the_hubs_country(self, hub, manager, media, phone):
        batch = upload(hub, manager, "enterprises", [enterprise_row(owner_phone=phone)])
        assert list(refusals(batch)[2]) == ["owner_phone"]

    def test_date_in_the_future(self, hub, manager, referent, media):
        tomorrow = timezone.localdate() + datetime.timedelta(days=2)
        batch = upload(hub, manager, "enterprises", [enterprise_row(consent_given="oui", consent_date=tomorrow)])
        assert list(refusals(batch)[2]) == ["consent_date"]
        EnterpriseFactory(hub=hub, name="Karité Plus")
        future = timezone.now() + datetime.timedelta(days=1)
        row = {"referent": "referent", "enterprise": "Karité Plus", "started_at": future.strftime("%d/%m/%Y %H:%M")}
        batch = upload(hub, manager, "visits", [{**row, "duration_minutes": 30, "purpose": "training"}])
        assert list(refusals(batch)[2]) == ["started_at"]

    def test_a_date_before_the_programme_is_a_typing_error(self, hub, manager, media):
        batch = upload(hub, manager, "enterprises", [enterprise_row(consent_given="oui", consent_date="01/01/1924")])
        assert list(refusals(batch)[2]) == ["consent_date"]

    def test_required_value_missing(self, hub, manager, media):
        batch = upload(hub, manager, "enterprises", [enterprise_row(owner_name="", sector=None)])
        missing = _("Required value missing.")
        assert refusals(batch)[2] == {"owner_name": missing, "sector": missing}

    def test_unknown_code(self, hub, manager, media):
        batch = upload(hub, manager, "enterprises", [enterprise_row(sector="Z", turnover_band="beaucoup")])
        assert set(refusals(batch)[2]) == {"sector", "turnover_band"}

    def test_a_code_is_read_by_its_label_in_any_language(self, hub, manager, media):
        rows = [
            enterprise_row(sector="Manufacturing", turnover_band="30 to 150 million XOF"),
            enterprise_row(sector="c", owner_phone="66 00 00 02", turnover_band="30m-150m"),
            enterprise_row(sector="C - Industries manufacturières", owner_phone="66 00 00 03", name="Autre"),
        ]
        assert upload(hub, manager, "enterprises", rows).refused_count == 0

    def test_duplicate_of_a_line_of_the_same_file(self, hub, manager, media):
        batch = upload(hub, manager, "enterprises", [enterprise_row(), enterprise_row(name="Autre"), enterprise_row()])
        assert refusals(batch) == {4: {"": _("Duplicate of line %(line)d of this file.") % {"line": 2}}}

    def test_what_the_records_own_rules_refuse(self, hub, manager, media):
        batch = upload(hub, manager, "enterprises", [enterprise_row(employees_total=2, employees_women=5)])
        assert list(refusals(batch)[2]) == ["employees_women"]

    def test_a_past_case_needs_what_its_status_needs(self, hub, manager, media):
        EnterpriseFactory(hub=hub, name="Karité Plus")
        case = {"enterprise": "Karité Plus", "received_at": "02/01/2025", "channel": "phone", "domain": "energy"}
        rows = [
            {**case, "title": "Sans résumé", "status": "resolved", "resolved_at": "05/01/2025"},
            {**case, "title": "Sans motif", "status": "rejected"},
            {**case, "title": "Inconnue", "status": "new", "enterprise": "Moulin inconnu"},
        ]
        batch = upload(hub, manager, "cases", rows)
        assert refusals(batch) == {
            2: {"resolution_summary": _("Summarise how the request was resolved.")},
            3: {"rejection_reason": _("Give the reason for the rejection.")},
            4: {
                "enterprise": _("No enterprise of the directory matches “%(value)s”: import the enterprises first.")
                % {"value": "Moulin inconnu"}
            },
        }

    def test_a_visit_is_made_by_an_active_referent_of_the_hub(self, hub, manager, referent, other_referent, media):
        EnterpriseFactory(hub=hub, name="Karité Plus")
        row = {"enterprise": "Karité Plus", "started_at": "02/01/2025 10:00", "duration_minutes": 30}
        row["purpose"] = "other"
        referent.is_active = False
        referent.save()
        batch = upload(hub, manager, "visits", [{**row, "referent": "referent"}, {**row, "referent": "other-referent"}])
        assert set(refusals(batch)) == {2, 3}
        assert list(refusals(batch)[2]) == list(refusals(batch)[3]) == ["referent"]


class TestFileErrors:
    """A file that cannot be checked at all is a form error: nothing is kept, not even the batch."""

    def check(self, hub, manager, upload_file) -> list[str]:
        with pytest.raises(ValidationError) as refused:
            services.batch_upload(hub=hub, kind="enterprises", upload=upload_file, by=manager)
        assert not ImportBatch.objects.exists()
        return refused.value.message_dict["file"]

    def test_a_required_column_missing(self, hub, manager, media):
        rows = [{key: value for key, value in enterprise_row().items() if key != "region"}]
        assert self.check(hub, manager, xlsx("enterprises", rows))

    def test_not_a_spreadsheet(self, hub, manager, media):
        assert self.check(hub, manager, SimpleUploadedFile("liste.xlsx", b"PK\x03\x04 not really"))
        assert self.check(hub, manager, SimpleUploadedFile("liste.pdf", b"%PDF-1.4"))

    def test_no_line(self, hub, manager, media):
        book = openpyxl.load_workbook(xlsx("enterprises", [enterprise_row()]))
        book.active.delete_rows(2)
        output = io.BytesIO()
        book.save(output)
        assert self.check(hub, manager, SimpleUploadedFile("vide.xlsx", output.getvalue()))

    def test_too_many_lines(self, hub, manager, media):
        rows = [enterprise_row()] * (EnterpriseResource.page_lines + 1)
        assert self.check(hub, manager, csv_file("enterprises", rows))

"""manage.py import_records: the same check and import as the page, from a file on the server."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hub.models import Enterprise, ImportBatch
from tests.factories import ManagerFactory
from tests.hub.imports.conftest import enterprise_row, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def spreadsheet(tmp_path):
    def write(kind: str, rows: list[dict], name: str = "annuaire.xlsx"):
        path = tmp_path / name
        path.write_bytes(xlsx(kind, rows).read())
        return str(path)

    return write


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_records", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_dry_run_stores_nothing(hub, manager, spreadsheet, media):
    out, _err = run("--hub", "ML", "--kind", "enterprises", spreadsheet("enterprises", [enterprise_row()]), "--dry-run")

    assert "1" in out
    assert not Enterprise.objects.exists()
    assert not ImportBatch.objects.exists()


def test_an_import_by_the_hubs_manager_is_listed(hub, manager, spreadsheet, media):
    run("--hub", "ML", "--kind", "enterprises", spreadsheet("enterprises", [enterprise_row()]))

    enterprise = Enterprise.objects.get()
    assert enterprise.history.get().history_user == manager
    assert enterprise.history.get().history_change_reason == "Import annuaire.xlsx"
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.imported_by, batch.created_count, batch.file_name) == (
        ImportBatch.Status.IMPORTED,
        manager,
        1,
        "annuaire.xlsx",
    )


def test_refused_lines_are_printed_and_nothing_is_stored(hub, manager, spreadsheet, media):
    rows = [enterprise_row(), enterprise_row(name="Autre", owner_phone="66 00 00 01", region="Atlantide")]

    with pytest.raises(CommandError):
        run("--hub", "ML", "--kind", "enterprises", spreadsheet("enterprises", rows))

    assert not Enterprise.objects.exists() and not ImportBatch.objects.exists()


def test_the_refusals_name_the_line_and_the_column(hub, manager, spreadsheet, media):
    path = spreadsheet("enterprises", [enterprise_row(region="Atlantide")])
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_records", "--hub", "ML", "--kind", "enterprises", path, stderr=err)
    assert "2" in err.getvalue() and "Région" in err.getvalue() and "Atlantide" in err.getvalue()


def test_duplicates_follow_on_duplicate(hub, manager, enterprise, spreadsheet, media):
    row = enterprise_row(name=enterprise.name, owner_phone=str(enterprise.owner_phone), employees_total=30)

    run("--hub", "ML", "--kind", "enterprises", spreadsheet("enterprises", [row]), "--on-duplicate", "update")

    enterprise.refresh_from_db()
    assert enterprise.employees_total == 30
    assert Enterprise.objects.count() == 1


def test_who_imports(hub, manager, referent, admin_user, spreadsheet, media):
    path = spreadsheet("enterprises", [enterprise_row()])
    with pytest.raises(CommandError):
        run("--hub", "ML", "--kind", "enterprises", path, "--as", "referent")
    ManagerFactory(hub=hub)
    with pytest.raises(CommandError):
        run("--hub", "ML", "--kind", "enterprises", path)

    run("--hub", "ML", "--kind", "enterprises", path, "--as", "admin")

    assert Enterprise.objects.get().history.get().history_user == admin_user


def test_a_manager_imports_into_their_own_hub_only(hub, other_hub, other_manager, spreadsheet, media):
    with pytest.raises(CommandError):
        run(
            "--hub",
            "ML",
            "--kind",
            "enterprises",
            spreadsheet("enterprises", [enterprise_row()]),
            "--as",
            "other-manager",
        )
    assert not Enterprise.objects.exists()


def test_unknown_hub_file_and_past_records_updated(hub, manager, spreadsheet, media):
    path = spreadsheet("enterprises", [enterprise_row()])
    for args in (
        ["--hub", "XX", "--kind", "enterprises", path],
        ["--hub", "ML", "--kind", "enterprises", "/nowhere.xlsx"],
        ["--hub", "ML", "--kind", "cases", path, "--on-duplicate", "update"],
    ):
        with pytest.raises(CommandError):
            run(*args)

"""The first load of the visit form, of the follow-up form, of /m/ and of a case's page fits the budget of 14 KB
compressed, for a hub the size of the pilot and for a hub larger than the directory copy keeps: an exact
quantity, so it is asserted (timings never are). Test data compresses better than real names: the benchmark measures the
generated hubs (docs/PERFORMANCE.md)."""

import datetime
from pathlib import Path

from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils import timezone
from whitenoise.compress import Compressor

from hub.models import Enterprise, FollowUp
from tests.factories import CaseFactory, CaseNoteFactory, EnterpriseFactory, FollowUpFactory
from visits.selectors import FIELD_FOLLOWUPS
from visits.weight import BUDGET_BYTES, first_load_bytes, first_load_weight, served_static_bytes

VISIT_FORM = "visits:visit-new"
FOLLOWUP_FORM = "visits:followup-shell"
NOTE = "Visite faite : le séchoir est monté, le promoteur attend la formation de l'équipe à son usage. "


def total(resources) -> int:
    return first_load_bytes(resources)


def a_referents_day(referent, *, cases: int = 20) -> list:
    """A hub past the directory's size, `cases` open cases of the referent (a third overdue) with four notes
    each, and FIELD_FOLLOWUPS follow-ups due; the open cases, oldest first."""
    Enterprise.objects.bulk_create(EnterpriseFactory.build_batch(400, hub=referent.hub))
    enterprises = list(Enterprise.objects.order_by("pk"))
    today = timezone.localdate()
    open_cases = []
    for n, enterprise in enumerate(enterprises[:cases]):
        case = CaseFactory(
            enterprise=enterprise,
            assigned_to=referent,
            status="in_progress",
            resolve_due=today + datetime.timedelta(days=n - cases // 3),
        )
        for _ in range(4):
            CaseNoteFactory(case=case, author=referent, body=NOTE * 2)
        open_cases.append(case)
    for enterprise in enterprises[cases : cases + FIELD_FOLLOWUPS]:
        case = CaseFactory(enterprise=enterprise, assigned_to=referent, status="resolved")
        FollowUpFactory(case=case, kind=FollowUp.Kind.MONTH_6, assigned_to=referent, due_date=today)
    return open_cases


def test_the_visit_form_with_a_pilot_sized_directory_fits_the_budget(referent):
    Enterprise.objects.bulk_create(EnterpriseFactory.build_batch(150, hub=referent.hub))
    for enterprise in Enterprise.objects.all()[:10]:
        CaseFactory(enterprise=enterprise, assigned_to=referent, status="assigned")

    resources = first_load_weight(user=referent, page=VISIT_FORM)

    urls = [resource.url for resource in resources]
    assert urls == [
        "/m/visits/new/",
        static("hub/favicon.svg"),
        static("hub/site.css"),
        static("visits/mobile.js"),
        static("visits/visit_form.js"),
        "/m/sw.js",
        "/m/directory.json",
    ]
    assert all(resource.compressed_bytes < resource.raw_bytes for resource in resources)
    assert total(resources) <= BUDGET_BYTES


def test_the_visit_form_of_a_hub_past_the_directory_size_still_fits_the_budget(referent, settings):
    Enterprise.objects.bulk_create(EnterpriseFactory.build_batch(settings.FIELD_DIRECTORY_SIZE + 200, hub=referent.hub))

    resources = first_load_weight(user=referent, page=VISIT_FORM)

    directory = next(resource for resource in resources if resource.url == "/m/directory.json")
    assert directory.raw_bytes > 20 * settings.FIELD_DIRECTORY_SIZE
    assert total(resources) <= BUDGET_BYTES


def test_the_followup_form_with_every_followup_the_phone_keeps_fits_the_budget(referent, settings):
    """The form loads its own script and the copy of the follow-ups due, not the directory."""
    Enterprise.objects.bulk_create(EnterpriseFactory.build_batch(settings.FIELD_DIRECTORY_SIZE + 200, hub=referent.hub))
    for enterprise in Enterprise.objects.order_by("pk")[:FIELD_FOLLOWUPS]:
        case = CaseFactory(enterprise=enterprise, assigned_to=referent, status="resolved")
        FollowUpFactory(case=case, kind=FollowUp.Kind.MONTH_6, assigned_to=referent, due_date=timezone.localdate())

    resources = first_load_weight(user=referent, page=FOLLOWUP_FORM)

    urls = [resource.url for resource in resources]
    assert urls[0] == "/m/followups/offline/"
    assert {static("visits/mobile.js"), static("visits/followup.js"), "/m/followups.json"} <= set(urls)
    assert "/m/directory.json" not in urls
    copy = next(resource for resource in resources if resource.url == "/m/followups.json")
    assert copy.raw_bytes > 40 * FIELD_FOLLOWUPS
    assert total(resources) <= BUDGET_BYTES


def test_the_home_page_of_a_referents_full_day_fits_the_budget(referent):
    """/m/ fetches the follow-ups due before it is usable, and the copy of the day only after: listed, never
    counted in the first load."""
    a_referents_day(referent)

    resources = first_load_weight(user=referent, page="visits:mobile-home")

    assert [resource.url for resource in resources if not resource.after_load] == [
        "/m/",
        static("hub/favicon.svg"),
        static("hub/site.css"),
        static("visits/mobile.js"),
        static("visits/followup.js"),
        static("visits/day.js"),
        "/m/sw.js",
        "/m/followups.json",
    ]
    (day,) = (resource for resource in resources if resource.after_load)
    assert day.url == "/m/day.json"
    assert 0 < day.compressed_bytes < day.raw_bytes
    assert total(resources) <= BUDGET_BYTES


def test_a_case_page_of_a_referents_full_day_fits_the_budget(referent):
    """The server fills a case's page: nothing is fetched before it is usable, the copy of the day after."""
    case = a_referents_day(referent)[0]

    resources = first_load_weight(user=referent, page="visits:case", pk=case.pk)

    assert [resource.url for resource in resources if not resource.after_load] == [
        f"/m/cases/{case.pk}/",
        static("hub/favicon.svg"),
        static("hub/site.css"),
        static("visits/mobile.js"),
        static("visits/day.js"),
        "/m/sw.js",
    ]
    assert [resource.url for resource in resources if resource.after_load] == ["/m/day.json"]
    assert total(resources) <= BUDGET_BYTES


def test_the_case_shell_fits_the_budget_and_fetches_no_copy(referent):
    """Offline, the shell reads the copy of the day the phone keeps: it asks for nothing."""
    a_referents_day(referent)

    resources = first_load_weight(user=referent, page="visits:case-shell")

    assert [resource.url for resource in resources] == [
        "/m/cases/offline/",
        static("hub/favicon.svg"),
        static("hub/site.css"),
        static("visits/mobile.js"),
        static("visits/day.js"),
        "/m/sw.js",
    ]
    assert total(resources) <= BUDGET_BYTES


def test_collectstatic_writes_the_brotli_copy_that_the_budget_counts(tmp_path):
    script = tmp_path / "mobile.js"
    script.write_bytes(Path(finders.find("visits/mobile.js")).read_bytes())

    written = Compressor(quiet=True).compress(str(script))

    assert sorted(Path(name).suffix for name in written) == [".br", ".gz"]
    assert (tmp_path / "mobile.js.br").stat().st_size == served_static_bytes(script.read_bytes())
    assert served_static_bytes(script.read_bytes()) < (tmp_path / "mobile.js.gz").stat().st_size

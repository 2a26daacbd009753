"""The phone's library shows sheets before any search: those shared in the referent's cases and the latest
published."""

import datetime

from django.utils import timezone

from cases.models import CaseShare, CaseStatus
from hub.models import TechnologySheet
from tests.factories import CaseFactory, SheetFactory

PUBLISHED = TechnologySheet.Status.PUBLISHED


def share(case, sheet, by, days_ago: int) -> None:
    at = timezone.now() - datetime.timedelta(days=days_ago)
    CaseShare.objects.create(case=case, sheet=sheet, shared_by=by, shared_at=at)


def test_the_library_lists_the_sheets_shared_in_my_cases_and_the_latest(as_referent, referent, manager, enterprise):
    hub = referent.hub
    mine = CaseFactory(enterprise=enterprise, assigned_to=referent, status=CaseStatus.IN_PROGRESS)
    not_mine = CaseFactory(enterprise=enterprise)
    older = SheetFactory(hub=hub, status=PUBLISHED, title="Presse à karité", author=manager)
    newer = SheetFactory(hub=hub, status=PUBLISHED, title="Séchoir solaire", author=manager)
    elsewhere = SheetFactory(hub=hub, status=PUBLISHED, title="Four amélioré", author=manager)
    draft = SheetFactory(hub=hub, status=TechnologySheet.Status.DRAFT, title="Brouillon", author=manager)
    share(mine, older, manager, days_ago=1)
    share(mine, newer, manager, days_ago=5)
    share(not_mine, elsewhere, manager, days_ago=0)
    TechnologySheet.objects.filter(pk=older.pk).update(updated_at=timezone.now() - datetime.timedelta(days=9))

    response = as_referent.get("/m/library/")

    assert list(response.context["shared"]) == [older, newer]
    assert list(response.context["latest"]) == [elsewhere, newer, older]
    html = response.content.decode()
    assert f'href="/m/library/{older.pk}/"' in html
    assert draft.title not in html


def test_the_search_hint_is_text_that_wraps_not_a_placeholder(as_referent):
    html = as_referent.get("/m/library/").content.decode()
    assert "placeholder=" not in html
    assert 'aria-describedby="q-hint"' in html

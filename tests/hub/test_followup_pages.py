"""The managers' follow-up pages (/manage/followups/): the list with its state shortcuts, filters, counts and
pages; a follow-up's page with its facts, answers and history; assigning, recording and confirming through
POST /manage/followups/<id>/<action>/, where a refused change saves nothing and says why beside the field."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone, translation
from django.utils.html import escape

from cases.models import CaseStatus
from hub.followups.forms import BASELINE_FIELDS
from hub.followups.services import ANSWER_FIELDS, Collection, followup_collect
from hub.models import MAX_AMOUNT_XOF, FollowUp
from tests.factories import (
    AdminFactory,
    CaseFactory,
    EnterpriseFactory,
    FollowUpFactory,
    ManagerFactory,
    ReferentUserFactory,
)

pytestmark = pytest.mark.django_db

K = FollowUp.Kind
LIST = "/manage/followups/"


def detail(followup) -> str:
    return f"/manage/followups/{followup.pk}/"


def action(followup, name: str) -> str:
    return f"/manage/followups/{followup.pk}/{name}/"


def days(n: int) -> datetime.date:
    """The hub's local date `n` days from today (negative: in the past)."""
    return timezone.localdate() + datetime.timedelta(days=n)


def html(response) -> str:
    return response.content.decode()


def listed(response) -> list[int]:
    return [followup.pk for followup in response.context["page"]]


def in_english(client):
    """The pages follow the language cookie (the browser's Accept-Language is honoured by the API only)."""
    client.cookies["django_language"] = "en"
    return client


def resolved_case(enterprise, *, referent=None, resolved_days_ago: int = 200):
    return CaseFactory(
        enterprise=enterprise,
        status=CaseStatus.RESOLVED,
        assigned_to=referent,
        resolved_at=timezone.now() - datetime.timedelta(days=resolved_days_ago),
    )


def planned(enterprise, *, kind=K.MONTH_6, due: datetime.date, referent=None, case=None, **fields) -> FollowUp:
    """A follow-up of `enterprise`; a 6- or 12-month one measures a case resolved 200 days ago."""
    if kind != K.BASELINE and case is None:
        case = resolved_case(enterprise, referent=referent)
    return FollowUpFactory(enterprise=enterprise, case=case, kind=kind, due_date=due, assigned_to=referent, **fields)


def form_data(**values) -> dict:
    """A POST of the record or confirm form: every answer field, empty unless given."""
    data = dict.fromkeys(ANSWER_FIELDS, "")
    data.update({name: "" if value is None else value for name, value in values.items()})
    return data


@pytest.fixture
def world(hub, other_hub, manager, referent, other_referent):
    """Follow-ups of the hub in every state, in three regions (Koutiala was carved from Sikasso), and the
    same states in the other hub."""
    colleague = ReferentUserFactory(hub=hub, first_name="Bakary", last_name="Coulibaly")
    bamako = EnterpriseFactory(hub=hub, name="Bamako Solaire")
    sikasso = EnterpriseFactory(hub=hub, name="Sikasso Agro", region_id="ML-SIK")
    koutiala = EnterpriseFactory(hub=hub, name="Koutiala Coton", region_id="ML-KTL")
    w = SimpleNamespace(colleague=colleague)
    w.confirmed = planned(
        sikasso,
        due=days(-30),
        collected_on=days(-25),
        self_reported=True,
        confirmed_at=timezone.now(),
        confirmed_by=manager,
    )
    w.collected = planned(
        bamako, kind=K.BASELINE, due=days(-20), referent=referent, collected_on=days(-18), collected_by=referent
    )
    w.to_confirm = planned(koutiala, due=days(-10), collected_on=days(-5), self_reported=True)
    w.overdue = planned(bamako, due=days(-3), referent=referent)
    w.due_today = planned(sikasso, kind=K.BASELINE, due=days(0))
    w.due_later = planned(koutiala, kind=K.MONTH_12, due=days(40), referent=colleague)
    elsewhere = EnterpriseFactory(hub=other_hub, name="Moulin du Fleuve", region_id="ML-SIK")
    w.elsewhere = [
        planned(elsewhere, due=days(-3), referent=other_referent),
        planned(elsewhere, kind=K.BASELINE, due=days(2), referent=other_referent),
        planned(elsewhere, kind=K.MONTH_12, due=days(-9), collected_on=days(-1), self_reported=True),
    ]
    return w


def rows(w, *names) -> list[int]:
    return [getattr(w, name).pk for name in names]


class TestAccess:
    @pytest.mark.parametrize("role", ["referent", "sme_user", "viewer"])
    def test_the_list_is_refused_to_referents_smes_and_viewers(self, client, request, role):
        client.force_login(request.getfixturevalue(role))
        assert client.get(LIST).status_code == 403

    @pytest.mark.parametrize("role", ["sme_user", "viewer"])
    def test_a_followups_page_is_refused_to_smes_and_viewers(self, client, request, role, enterprise):
        followup = planned(enterprise, kind=K.BASELINE, due=days(5))
        client.force_login(request.getfixturevalue(role))
        assert client.get(detail(followup)).status_code == 403
        assert client.post(action(followup, "record"), form_data(collected_on=days(0))).status_code == 403
        followup.refresh_from_db()
        assert followup.collected_on is None

    def test_anonymous_visitors_are_sent_to_the_login_page(self, client, enterprise):
        followup = planned(enterprise, kind=K.BASELINE, due=days(5))
        for path in [LIST, detail(followup)]:
            response = client.get(path)
            assert response.status_code == 302
            assert response["Location"].startswith(f"/login/?next={path}")
        response = client.post(action(followup, "record"), form_data(collected_on=days(0)))
        assert response.status_code == 302
        followup.refresh_from_db()
        assert followup.collected_on is None

    def test_another_hubs_followup_is_not_found_and_cannot_be_changed(self, as_manager, other_enterprise):
        followup = planned(other_enterprise, kind=K.BASELINE, due=days(5))
        assert as_manager.get(detail(followup)).status_code == 404
        assert as_manager.post(action(followup, "record"), form_data(collected_on=days(0))).status_code == 404
        followup.refresh_from_db()
        assert followup.collected_on is None

    def test_an_unknown_action_is_refused(self, as_manager, enterprise):
        followup = planned(enterprise, kind=K.BASELINE, due=days(5))
        assert as_manager.post(action(followup, "delete")).status_code == 403
        assert FollowUp.objects.filter(pk=followup.pk).exists()

    def test_actions_take_posts_only(self, as_manager, enterprise):
        followup = planned(enterprise, kind=K.BASELINE, due=days(5))
        assert as_manager.get(action(followup, "record")).status_code == 405


class TestList:
    def test_lists_every_followup_of_the_hub_to_collect_first_and_none_of_another(self, as_manager, world):
        """Those still to collect, the earliest due first, then those collected, the latest first."""
        response = as_manager.get(LIST)
        assert response.status_code == 200
        assert listed(response) == rows(
            world, "overdue", "due_today", "due_later", "to_confirm", "collected", "confirmed"
        )
        page = html(response)
        for followup in world.elsewhere:
            assert f'href="{detail(followup)}"' not in page
        assert "Moulin du Fleuve" not in page

    @pytest.mark.parametrize(
        ("state", "expected"),
        [
            ("overdue", ["overdue"]),
            ("due", ["due_today", "due_later"]),
            ("to_confirm", ["to_confirm"]),
            ("collected", ["to_confirm", "collected", "confirmed"]),
        ],
    )
    def test_each_state_shortcut_gives_exactly_its_followups(self, as_manager, world, state, expected):
        """Due today is still due, not overdue; collected ones are listed latest collected first."""
        response = as_manager.get(LIST, {"state": state})
        assert listed(response) == rows(world, *expected)
        assert f'class="button current" href="?state={state}"' in html(response)

    def test_the_shortcuts_link_every_state_and_all(self, as_manager, world):
        page = html(as_manager.get(LIST))
        for state in ["overdue", "due", "to_confirm", "collected"]:
            assert f'href="?state={state}"' in page
        assert 'class="button current" href="?"' in page

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ({"kind": "m6"}, ["confirmed", "to_confirm", "overdue"]),
            ({"kind": ["baseline", "m12"]}, ["collected", "due_today", "due_later"]),
            ({"state": "due", "kind": "baseline"}, ["due_today"]),
            ({"due_from": "-10", "due_to": "0"}, ["to_confirm", "overdue", "due_today"]),
            ({"due_from": "1"}, ["due_later"]),
            ({"due_to": "-20"}, ["confirmed", "collected"]),
        ],
    )
    def test_kind_and_period_filters(self, as_manager, world, query, expected):
        """The period is of due dates, both bounds included."""
        for bound in ("due_from", "due_to"):
            if bound in query:
                query[bound] = days(int(query[bound])).isoformat()
        assert set(listed(as_manager.get(LIST, query))) == set(rows(world, *expected))

    def test_the_referent_filter_gives_the_followups_in_their_charge(self, as_manager, world, referent):
        assert listed(as_manager.get(LIST, {"referent": referent.pk})) == rows(world, "overdue", "collected")
        assert listed(as_manager.get(LIST, {"referent": world.colleague.pk})) == rows(world, "due_later")

    def test_the_referent_filter_offers_the_hubs_referents_only(self, as_manager, world, referent, other_referent):
        offered = {user.pk for user in as_manager.get(LIST).context["referents"]}
        assert offered == {referent.pk, world.colleague.pk}

    def test_another_hubs_referent_gives_nothing(self, as_manager, world, other_referent):
        assert listed(as_manager.get(LIST, {"referent": other_referent.pk})) == []

    @pytest.mark.parametrize(
        ("region", "expected"),
        [
            ("ML-SIK", ["confirmed", "to_confirm", "due_today", "due_later"]),
            ("ML-KTL", ["to_confirm", "due_later"]),
            ("ML-BKO", ["collected", "overdue"]),
            ("ML-KAY", []),
        ],
    )
    def test_the_region_filter_rolls_up_the_regions_carved_from_it(self, as_manager, world, region, expected):
        """Koutiala was carved from Sikasso in 2023: Sikasso's follow-ups include Koutiala's."""
        assert set(listed(as_manager.get(LIST, {"region": region}))) == set(rows(world, *expected))

    def test_the_region_filter_offers_the_bamako_district(self, as_manager, world):
        """Bamako, where most enterprises are, is a district rather than a region in the table of
        administrative units; a manager must still be able to choose it (the directory's filter does)."""
        offered = [unit.code for unit in as_manager.get(LIST).context["regions"]]
        assert "ML-SIK" in offered and "ML-KTL" in offered
        assert "ML-BKO" in offered

    def test_the_counts_line_counts_the_whole_hub_whatever_the_filters(self, as_manager, world):
        """Overdue, due within 14 days (today included) and self-reported answers to confirm; the other
        hub's follow-ups are not counted."""
        for query in [{}, {"state": "collected", "kind": "baseline"}]:
            assert as_manager.get(LIST, query).context["counts"] == {"overdue": 1, "due_soon": 1, "to_confirm": 1}
        page = html(in_english(as_manager).get(LIST))
        assert "1 overdue · 1 due in the next 14 days · 1 self-reported to confirm" in page

    def test_the_counts_follow_the_followups(self, as_manager, hub, enterprise, world):
        planned(enterprise, due=days(-1))
        planned(enterprise, due=days(14))
        planned(enterprise, due=days(15))
        assert as_manager.get(LIST).context["counts"] == {"overdue": 2, "due_soon": 2, "to_confirm": 1}

    def test_the_total_is_of_the_rows_filtered(self, as_manager, world):
        response = as_manager.get(LIST, {"state": "due"})
        assert response.context["page"].paginator.count == 2

    def test_each_row_links_to_the_followups_page_and_flags_the_overdue(self, as_manager, world):
        page = html(as_manager.get(LIST))
        for followup in FollowUp.objects.filter(hub=world.overdue.hub):
            assert f'<a href="{detail(followup)}">{escape(followup.enterprise.name)}</a>' in page
        assert page.count('<tr class="overdue">') == 1
        assert world.overdue.case.reference in page

    def test_an_administrator_reads_every_hubs_followups(self, client, world):
        client.force_login(AdminFactory())
        listed_pks = set(listed(client.get(LIST)))
        assert {followup.pk for followup in world.elsewhere} <= listed_pks
        assert world.overdue.pk in listed_pks

    def test_another_hubs_manager_reads_only_theirs(self, client, world, other_manager):
        client.force_login(other_manager)
        assert sorted(listed(client.get(LIST))) == sorted(followup.pk for followup in world.elsewhere)

    def test_fifty_a_page_and_the_pages_keep_the_filters(self, as_manager, hub):
        for _ in range(51):
            planned(EnterpriseFactory(hub=hub), kind=K.BASELINE, due=days(3))
        first = as_manager.get(LIST, {"state": "due"})
        assert len(listed(first)) == 50
        assert 'href="?state=due&amp;page=2"' in html(first)
        second = as_manager.get(LIST, {"state": "due", "page": 2})
        assert len(listed(second)) == 1
        assert set(listed(first)).isdisjoint(listed(second))

    @pytest.mark.parametrize("count", [3, 30])
    def test_the_query_count_does_not_grow_with_the_followups(
        self, as_manager, hub, manager, referent, count, django_assert_num_queries
    ):
        enterprise = EnterpriseFactory(hub=hub)
        for n in range(count):
            planned(
                enterprise,
                due=days(n - 10),
                referent=referent,
                collected_on=days(-1) if n % 2 else None,
                collected_by=manager if n % 2 else None,
            )
        # The session, the user; the total, the page's rows, the counts, the referents, the regions, the
        # referents offered to assign the ticked ones.
        with django_assert_num_queries(8):
            response = as_manager.get(LIST, {"region": "ML-BKO"})
        assert len(listed(response)) == count


class TestFollowUpPage:
    def test_a_manager_reads_the_facts_and_may_assign_record_and_read_the_history(
        self, as_manager, enterprise, referent
    ):
        followup = planned(enterprise, due=days(-4), referent=referent)
        response = as_manager.get(detail(followup))
        assert response.status_code == 200
        assert response.context["followup"] == followup
        assert response.context["assign_form"] is not None
        assert response.context["assign_form"].initial == {"referent": referent.pk}
        assert response.context["record_form"] is not None
        assert response.context["confirm_form"] is None
        assert response.context["changes"] is not None
        page = html(response)
        assert f'action="{action(followup, "assign")}"' in page
        assert f'action="{action(followup, "record")}"' in page
        assert 'class="list changes"' in page
        assert followup.case.reference in page
        assert escape(enterprise.name) in page
        assert referent.get_full_name() in page

    def test_a_referent_records_but_neither_assigns_nor_reads_the_history(self, as_referent, enterprise):
        followup = planned(enterprise, due=days(-4))
        response = as_referent.get(detail(followup))
        assert response.status_code == 200
        assert response.context["assign_form"] is None
        assert response.context["changes"] is None
        assert response.context["record_form"] is not None
        page = html(response)
        assert f'action="{action(followup, "assign")}"' not in page
        assert f'action="{action(followup, "record")}"' in page
        assert 'class="list changes"' not in page

    def test_a_collected_followup_shows_its_answers_and_offers_no_record_nor_assign_form(
        self, as_manager, enterprise, referent
    ):
        followup = planned(
            enterprise,
            due=days(-10),
            collected_on=days(-2),
            collected_by=referent,
            jobs_created=4,
            turnover_xof=12_345_678,
        )
        response = as_manager.get(detail(followup))
        assert response.context["record_form"] is None
        assert response.context["assign_form"] is None
        answers = {name: value for _label, value, name in response.context["answers"]}
        assert answers["jobs_created"] == 4
        assert answers["turnover_xof"] == 12_345_678
        page = html(response)
        assert f'action="{action(followup, "record")}"' not in page
        assert referent.get_full_name() in page

    def test_a_followup_recorded_without_its_collector_opens(self, as_manager, enterprise):
        """The Django admin records a follow-up with an optional "collected by" (a baseline taken on paper
        before this system, say): its page still opens, naming nobody."""
        followup = planned(enterprise, due=days(-10), collected_on=days(-2), jobs_created=4)
        response = as_manager.get(detail(followup))
        assert response.status_code == 200
        answers = {name: value for _label, value, name in response.context["answers"]}
        assert answers["jobs_created"] == 4

    def test_an_anonymised_enterprises_followup_takes_no_record(self, as_manager, enterprise):
        followup = planned(enterprise, kind=K.BASELINE, due=days(-4))
        enterprise.anonymised_at = timezone.now()
        enterprise.save()
        assert as_manager.get(detail(followup)).context["record_form"] is None
        response = as_manager.post(action(followup, "record"), form_data(collected_on=days(0), employees_total=3))
        assert response.status_code == 400
        followup.refresh_from_db()
        assert followup.collected_on is None


class TestAssign:
    def test_a_manager_puts_an_active_referent_of_the_hub_in_charge(self, as_manager, manager, enterprise, hub):
        followup = planned(enterprise, due=days(5))
        chosen = ReferentUserFactory(hub=hub, first_name="Fatoumata", last_name="Keïta")
        response = as_manager.post(action(followup, "assign"), {"referent": chosen.pk})
        assert response.status_code == 302
        assert response["Location"] == detail(followup)
        followup.refresh_from_db()
        assert followup.assigned_to == chosen
        latest = as_manager.get(detail(followup)).context["changes"][0]
        assert latest.by == manager
        assert [field.after for field in latest.fields] == ["Fatoumata Keïta"]

    def test_only_active_referents_of_the_hub_are_offered(self, as_manager, enterprise, hub, referent, other_referent):
        followup = planned(enterprise, due=days(5))
        ReferentUserFactory(hub=hub, is_active=False)
        paused = ReferentUserFactory(hub=hub)
        paused.referent.is_active = False
        paused.referent.save()
        offered = list(as_manager.get(detail(followup)).context["assign_form"].fields["referent"].queryset)
        assert offered == [referent]

    @pytest.mark.parametrize("who", ["other_referent", "inactive", "paused", "manager"])
    def test_anyone_else_is_refused_beside_the_field_and_nothing_is_saved(
        self, as_manager, request, enterprise, hub, referent, who
    ):
        followup = planned(enterprise, due=days(5), referent=referent)
        if who == "other_referent":
            chosen = request.getfixturevalue("other_referent")
        elif who == "inactive":
            chosen = ReferentUserFactory(hub=hub, is_active=False)
        elif who == "paused":
            chosen = ReferentUserFactory(hub=hub)
            chosen.referent.is_active = False
            chosen.referent.save()
        else:
            chosen = ManagerFactory(hub=hub)
        response = as_manager.post(action(followup, "assign"), {"referent": chosen.pk})
        assert response.status_code == 400
        assert response.context["assign_form"].errors["referent"]
        assert 'id="id_referent-error"' in html(response)
        followup.refresh_from_db()
        assert followup.assigned_to == referent

    def test_referents_cannot_assign(self, as_referent, enterprise, hub):
        followup = planned(enterprise, due=days(5))
        colleague = ReferentUserFactory(hub=hub)
        assert as_referent.post(action(followup, "assign"), {"referent": colleague.pk}).status_code == 403
        followup.refresh_from_db()
        assert followup.assigned_to is None

    def test_a_collected_followup_is_not_reassigned(self, as_manager, enterprise, referent, hub):
        followup = planned(enterprise, due=days(-5), collected_on=days(-1), collected_by=referent, referent=referent)
        colleague = ReferentUserFactory(hub=hub)
        response = as_manager.post(action(followup, "assign"), {"referent": colleague.pk})
        assert response.status_code == 400
        assert response.context["assign_form"].non_field_errors()
        followup.refresh_from_db()
        assert followup.assigned_to == referent


class TestRecord:
    def test_a_manager_records_the_answers_with_their_name(self, as_manager, manager, enterprise):
        followup = planned(enterprise, due=days(-2))
        response = as_manager.post(
            action(followup, "record"),
            form_data(
                collected_on=days(-1).isoformat(),
                jobs_created=3,
                jobs_kept=5,
                turnover_xof=42_000_000,
                technology_adopted="true",
                satisfaction=5,
                recommend_score=9,
                notes="Séchoir en service.",
            ),
        )
        assert response.status_code == 302
        assert response["Location"] == detail(followup)
        followup.refresh_from_db()
        assert followup.collected_on == days(-1)
        assert followup.collected_by == manager
        assert followup.self_reported is False
        assert (followup.jobs_created, followup.jobs_kept, followup.turnover_xof) == (3, 5, 42_000_000)
        assert (followup.technology_adopted, followup.satisfaction, followup.recommend_score) == (True, 5, 9)
        assert followup.notes == "Séchoir en service."
        assert followup.new_sales_xof is None

    def test_a_referent_records_too(self, as_referent, referent, enterprise):
        followup = planned(enterprise, kind=K.BASELINE, due=days(3))
        response = as_referent.post(action(followup, "record"), form_data(collected_on=days(0), employees_total=6))
        assert response.status_code == 302
        followup.refresh_from_db()
        assert (followup.collected_on, followup.collected_by, followup.employees_total) == (days(0), referent, 6)

    def test_a_future_date_is_refused_beside_the_field_and_nothing_is_saved(self, as_manager, enterprise):
        followup = planned(enterprise, due=days(-2))
        response = in_english(as_manager).post(
            action(followup, "record"), form_data(collected_on=days(2).isoformat(), jobs_created=3)
        )
        assert response.status_code == 400
        form = response.context["record_form"]
        assert form.errors["collected_on"] == ["A follow-up cannot be collected in the future."]
        page = html(response)
        assert re.search(
            r'<p class="error" role="alert" id="id_collected_on-error">A follow-up cannot be collected in the '
            r'future\.</p>\s*<input type="date" name="collected_on"',
            page,
        )
        assert 'value="3"' in page, "what was typed is kept"
        followup.refresh_from_db()
        assert followup.collected_on is None
        assert followup.jobs_created is None
        assert followup.collected_by is None
        assert followup.history.count() == 1

    def test_the_refusal_is_in_french_on_a_french_page(self, as_manager, enterprise):
        """The page's language is French by default: the banner above the fields says so in French."""
        followup = planned(enterprise, due=days(-2))
        response = as_manager.post(action(followup, "record"), form_data(collected_on=days(2).isoformat()))
        assert response.status_code == 400
        assert "Rien n’a été enregistré" in html(response)

    def test_a_date_before_the_case_was_resolved_is_refused(self, as_manager, enterprise):
        case = resolved_case(enterprise, resolved_days_ago=10)
        followup = planned(enterprise, due=days(-2), case=case)
        response = as_manager.post(action(followup, "record"), form_data(collected_on=days(-11).isoformat()))
        assert response.status_code == 400
        assert response.context["record_form"].errors["collected_on"]
        followup.refresh_from_db()
        assert followup.collected_on is None

    @pytest.mark.parametrize(
        ("field", "value"),
        [("turnover_xof", MAX_AMOUNT_XOF + 1), ("satisfaction", 6), ("recommend_score", 11), ("jobs_created", -1)],
    )
    def test_answers_out_of_bounds_are_refused_beside_their_field(self, as_manager, enterprise, field, value):
        followup = planned(enterprise, due=days(-2))
        response = as_manager.post(action(followup, "record"), form_data(collected_on=days(0), **{field: value}))
        assert response.status_code == 400
        assert list(response.context["record_form"].errors) == [field]
        assert f'id="id_{field}-error"' in html(response)
        followup.refresh_from_db()
        assert followup.collected_on is None

    def test_a_second_record_is_refused_and_the_first_kept(self, as_manager, enterprise, referent):
        followup = planned(enterprise, due=days(-10), collected_on=days(-3), collected_by=referent, jobs_created=2)
        response = in_english(as_manager).post(
            action(followup, "record"), form_data(collected_on=days(0), jobs_created=9)
        )
        assert response.status_code == 400
        errors = response.context["record_form"].errors["collected_on"]
        assert len(errors) == 1 and errors[0].startswith("This follow-up was already recorded on ")
        followup.refresh_from_db()
        assert (followup.collected_on, followup.collected_by, followup.jobs_created) == (days(-3), referent, 2)

    def test_a_baselines_form_asks_only_employees_turnover_and_notes(self, as_manager, enterprise):
        followup = planned(enterprise, kind=K.BASELINE, due=days(2))
        form = as_manager.get(detail(followup)).context["record_form"]
        assert list(form.fields) == ["collected_on", *BASELINE_FIELDS]
        assert BASELINE_FIELDS == ["employees_total", "turnover_xof", "notes"]
        response = as_manager.post(
            action(followup, "record"),
            form_data(collected_on=days(0), employees_total=7, turnover_xof=25_000_000, jobs_created=4, satisfaction=5),
        )
        assert response.status_code == 302
        followup.refresh_from_db()
        assert (followup.employees_total, followup.turnover_xof) == (7, 25_000_000)
        assert followup.jobs_created is None
        assert followup.satisfaction is None

    def test_a_six_month_form_asks_every_question(self, as_manager, enterprise):
        followup = planned(enterprise, due=days(2))
        form = as_manager.get(detail(followup)).context["record_form"]
        assert list(form.fields) == ["collected_on", *ANSWER_FIELDS]
        assert form.initial["collected_on"] == timezone.localdate()


@pytest.fixture
def self_reported(enterprise):
    """A 6-month follow-up the enterprise answered itself through its link."""
    followup = planned(enterprise, due=days(-8))
    answers = {"employees_total": 9, "jobs_created": 2, "turnover_xof": 10_000_000, "satisfaction": 4}
    followup_collect(
        followup=followup, data=Collection(collected_on=days(-2), answers=answers), by=None, self_reported=True
    )
    followup.refresh_from_db()
    return followup


class TestConfirm:
    def test_the_page_offers_the_enterprises_answers_to_check(self, as_manager, self_reported):
        response = as_manager.get(detail(self_reported))
        form = response.context["confirm_form"]
        assert form is not None
        assert form.initial["turnover_xof"] == 10_000_000
        assert form.initial["satisfaction"] == 4
        assert response.context["record_form"] is None
        assert f'action="{action(self_reported, "confirm")}"' in html(response)

    def test_a_correction_is_kept_and_the_history_shows_before_and_after(self, as_manager, manager, self_reported):
        response = as_manager.post(
            action(self_reported, "confirm"),
            form_data(employees_total=9, jobs_created=2, turnover_xof=12_000_000, satisfaction=4),
        )
        assert response.status_code == 302
        assert response["Location"] == detail(self_reported)
        self_reported.refresh_from_db()
        assert self_reported.turnover_xof == 12_000_000
        assert self_reported.confirmed_by == manager
        assert self_reported.confirmed_at is not None
        assert timezone.now() - self_reported.confirmed_at < datetime.timedelta(minutes=5)
        assert self_reported.self_reported is True

        page = as_manager.get(detail(self_reported))
        assert page.context["confirm_form"] is None
        latest = page.context["changes"][0]
        assert latest.by == manager
        with translation.override("fr"):
            turnover_label = str(FollowUp._meta.get_field("turnover_xof").verbose_name)
        turnover = next(field for field in latest.fields if field.label == turnover_label)
        assert re.sub(r"\D", "", turnover.before) == "10000000"
        assert re.sub(r"\D", "", turnover.after) == "12000000"
        assert f"<del>{escape(turnover.before)}</del> → {escape(turnover.after)}" in html(page)
        answers = {name: value for _label, value, name in page.context["answers"]}
        assert answers["turnover_xof"] == 12_000_000
        answered = page.context["changes"][1]
        assert (answered.by, answered.by_enterprise) == (None, True)
        assert "l’entreprise, par son lien" in html(page)

    def test_confirming_twice_is_refused(self, as_manager, self_reported):
        as_manager.post(action(self_reported, "confirm"), form_data(employees_total=9, turnover_xof=10_000_000))
        self_reported.refresh_from_db()
        first = self_reported.confirmed_at
        response = as_manager.post(action(self_reported, "confirm"), form_data(employees_total=1, turnover_xof=1))
        assert response.status_code == 400
        assert response.context["confirm_form"].non_field_errors()
        self_reported.refresh_from_db()
        assert self_reported.confirmed_at == first
        assert (self_reported.employees_total, self_reported.turnover_xof) == (9, 10_000_000)

    def test_a_referent_confirms_too(self, as_referent, referent, self_reported):
        assert as_referent.get(detail(self_reported)).context["confirm_form"] is not None
        response = as_referent.post(
            action(self_reported, "confirm"), form_data(employees_total=9, turnover_xof=10_000_000, satisfaction=4)
        )
        assert response.status_code == 302
        self_reported.refresh_from_db()
        assert self_reported.confirmed_by == referent

    def test_answers_recorded_by_staff_are_not_confirmed(self, as_manager, enterprise, referent):
        followup = planned(enterprise, due=days(-8), collected_on=days(-1), collected_by=referent, jobs_created=1)
        assert as_manager.get(detail(followup)).context["confirm_form"] is None
        response = as_manager.post(action(followup, "confirm"), form_data(jobs_created=7))
        assert response.status_code == 400
        followup.refresh_from_db()
        assert (followup.jobs_created, followup.confirmed_at) == (1, None)

    def test_an_invalid_correction_is_refused_beside_its_field(self, as_manager, self_reported):
        response = as_manager.post(action(self_reported, "confirm"), form_data(satisfaction=9, turnover_xof=5))
        assert response.status_code == 400
        assert list(response.context["confirm_form"].errors) == ["satisfaction"]
        self_reported.refresh_from_db()
        assert (self_reported.turnover_xof, self_reported.confirmed_at) == (10_000_000, None)


class TestHistory:
    def test_shows_who_planned_and_who_recorded(self, client, hub, enterprise, manager, referent):
        """The referent resolves their case on the phone, which plans its follow-ups; the manager records the
        6-month one: the page names both, latest first."""
        referent.first_name, referent.last_name = "Issa", "Traoré"
        referent.save()
        manager.first_name, manager.last_name = "Mariam", "Sangaré"
        manager.save()
        case = CaseFactory(enterprise=enterprise, status=CaseStatus.IN_PROGRESS, assigned_to=referent)
        client.force_login(referent)
        resolved = client.post(
            f"/m/cases/{case.pk}/transition/",
            {"to_status": "resolved", "resolution_summary": "Séchoir installé.", "version": case.version},
        )
        assert resolved.status_code == 302
        six = FollowUp.objects.get(case=case, kind=K.MONTH_6)

        client.force_login(manager)
        assert client.post(action(six, "record"), form_data(collected_on=days(0), jobs_created=2)).status_code == 302
        response = client.get(detail(six))
        changes = response.context["changes"]
        assert [change.by for change in changes] == [manager, referent]
        assert changes[-1].fields == []
        recorded = {field.label: field for field in changes[0].fields}
        with translation.override("fr"):
            collected_by = str(FollowUp._meta.get_field("collected_by").verbose_name)
        assert recorded[collected_by].after == "Mariam Sangaré"
        history = html(response).split('class="list changes"')[1]
        assert history.index("Mariam Sangaré") < history.index("Issa Traoré")


class TestAssignFromTheList:
    ASSIGN = "/manage/followups/assign/"

    def test_the_ticked_follow_ups_go_to_one_referent_and_the_list_comes_back_filtered(
        self, as_manager, manager, enterprise, hub, referent
    ):
        first, second = planned(enterprise, due=days(-3)), planned(enterprise, due=days(4))
        untouched = planned(enterprise, due=days(6))
        response = as_manager.post(
            self.ASSIGN, {"followups": [first.pk, second.pk], "referent": referent.pk, "query": "state=overdue"}
        )
        assert (response.status_code, response["Location"]) == (302, f"{LIST}?state=overdue")
        assert set(FollowUp.objects.filter(assigned_to=referent).values_list("pk", flat=True)) == {first.pk, second.pk}
        untouched.refresh_from_db()
        assert untouched.assigned_to is None
        assert first.history.latest().history_user == manager

    def test_the_list_offers_a_box_only_for_the_follow_ups_not_collected(self, as_manager, enterprise):
        due = planned(enterprise, due=days(2))
        collected = planned(enterprise, due=days(-20), collected_on=days(-19))
        page = html(as_manager.get(LIST))
        assert f'name="followups" value="{due.pk}"' in page
        assert f'name="followups" value="{collected.pk}"' not in page

    def test_one_refused_follow_up_assigns_none(self, as_manager, enterprise, referent, other_enterprise):
        mine = planned(enterprise, due=days(2))
        collected = planned(enterprise, due=days(-20), collected_on=days(-19))
        foreign = planned(other_enterprise, due=days(2))
        for refused in (collected, foreign):
            response = as_manager.post(self.ASSIGN, {"followups": [mine.pk, refused.pk], "referent": referent.pk})
            assert response.status_code == 302
            assert not FollowUp.objects.filter(assigned_to=referent).exists()
            assert list(get_messages(response.wsgi_request))[0].level_tag == "error"

    def test_a_forged_query_cannot_break_the_way_back(self, as_manager, enterprise, referent):
        followup = planned(enterprise, due=days(2))
        response = as_manager.post(
            self.ASSIGN, {"followups": [followup.pk], "referent": referent.pk, "query": "state=due\r\nX-Evil: 1"}
        )
        assert response.status_code == 302
        assert response["Location"] == f"{LIST}?state=due%0D%0AX-Evil%3A+1"

    def test_a_referent_of_another_hub_is_refused(self, as_manager, enterprise, other_referent):
        followup = planned(enterprise, due=days(2))
        as_manager.post(self.ASSIGN, {"followups": [followup.pk], "referent": other_referent.pk})
        followup.refresh_from_db()
        assert followup.assigned_to is None

    def test_referents_may_not(self, as_referent, enterprise, referent):
        followup = planned(enterprise, due=days(2))
        response = as_referent.post(self.ASSIGN, {"followups": [followup.pk], "referent": referent.pk})
        assert response.status_code == 403
        followup.refresh_from_db()
        assert followup.assigned_to is None

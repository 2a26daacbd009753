"""The copy of a referent's day that the phone keeps for reading case pages offline (`field_day`)."""

import datetime
import json

import pytest
from django.utils import timezone, translation

from cases.models import CaseEvent, CaseNote, CaseStatus
from tests.factories import (
    CaseFactory,
    CaseNoteFactory,
    EnterpriseFactory,
    ManagerFactory,
    ReferentUserFactory,
    SmeUserFactory,
    VisitFactory,
)
from visits.selectors import (
    FIELD_DAY_DESCRIPTION,
    FIELD_DAY_ENTRIES,
    FIELD_DAY_NAME,
    FIELD_DAY_TEXT,
    field_day,
)

S = CaseStatus
BUDGET = 200 * 1024
QUERIES = 4
"""The cases, then the last notes, status changes and visits of all of them."""


def size(copy: dict) -> int:
    return len(json.dumps(copy, separators=(",", ":"), ensure_ascii=False).encode())


def french(length: int) -> str:
    """`length` characters of French field notes, accents included."""
    phrase = "Séchoir à claies amélioré ; l'équipe a noté des pertes après la récolte. "
    return (phrase * (length // len(phrase) + 1))[:length]


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def ago(minutes: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=minutes)


def note(case, *, minutes: int, body: str = "Appelé le promoteur.", **kwargs) -> CaseNote:
    """A note written `minutes` ago (its time is set on creation, so it is changed afterwards)."""
    written = CaseNoteFactory(case=case, body=body, **kwargs)
    CaseNote.objects.filter(pk=written.pk).update(created_at=ago(minutes))
    return written


def event(case, *, minutes: int, before: str, after: str, by=None, text: str = "") -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, from_status=before, to_status=after, actor=by, note=text, created_at=ago(minutes)
    )


def references(copy: dict) -> list[str]:
    return [case["reference"] for case in copy["cases"]]


def test_the_copy_holds_the_referents_open_cases_most_urgent_first(referent, other_hub):
    hub = referent.hub
    later = CaseFactory(hub=hub, assigned_to=referent, status=S.IN_PROGRESS, resolve_due=days(9))
    undated = CaseFactory(hub=hub, assigned_to=referent, status=S.WAITING_SME)
    overdue = CaseFactory(hub=hub, assigned_to=referent, status=S.IN_PROGRESS, resolve_due=days(-3))
    soon = CaseFactory(
        hub=hub, assigned_to=referent, status=S.ASSIGNED, first_contact_due=days(1), resolve_due=days(20)
    )
    CaseFactory(hub=hub, assigned_to=referent, status=S.RESOLVED, resolve_due=days(-9))
    CaseFactory(hub=hub, assigned_to=referent, status=S.CLOSED)
    CaseFactory(hub=hub, assigned_to=ReferentUserFactory(hub=hub), status=S.IN_PROGRESS, resolve_due=days(-9))
    CaseFactory(hub=hub, status=S.NEW, acknowledge_due=days(-9))
    CaseFactory(hub=other_hub, assigned_to=referent, status=S.IN_PROGRESS, resolve_due=days(-9))

    copy = field_day(user=referent)

    assert references(copy) == [overdue.reference, soon.reference, later.reference, undated.reference]
    assert [(case["next_due"], case["overdue"]) for case in copy["cases"]] == [
        (days(-3).isoformat(), True),
        (days(1).isoformat(), False),
        (days(9).isoformat(), False),
        (None, False),
    ]


def test_each_case_carries_its_enterprise_contact_and_what_the_page_shows(referent):
    enterprise = EnterpriseFactory(
        hub=referent.hub, name="Karité Plus", owner_name="Aminata Traoré", address="Rue 12, porte 4", commune=""
    )
    case = CaseFactory(
        enterprise=enterprise,
        assigned_to=referent,
        status=S.IN_PROGRESS,
        title="Presse à karité",
        description=french(FIELD_DAY_DESCRIPTION + 50),
        version=7,
    )

    with translation.override("en"):
        (day,) = field_day(user=referent)["cases"]

    assert {key: day[key] for key in ("id", "reference", "title", "status", "status_label", "version")} == {
        "id": case.pk,
        "reference": case.reference,
        "title": "Presse à karité",
        "status": "in_progress",
        "status_label": "In progress",
        "version": 7,
    }
    assert len(day["description"]) == FIELD_DAY_DESCRIPTION
    assert day["description"] == french(FIELD_DAY_DESCRIPTION - 1) + "…"
    assert day["enterprise"] == {
        "id": enterprise.pk,
        "name": "Karité Plus",
        "contact": "Aminata Traoré",
        "phone": "+22376123456",
        "address": "Rue 12, porte 4",
        "place": enterprise.region.name,
    }


def test_the_timeline_holds_the_last_entries_newest_first_with_texts_cut(referent):
    manager = ManagerFactory(hub=referent.hub, first_name="Mariam", last_name="Coulibaly")
    case = CaseFactory(hub=referent.hub, assigned_to=referent, status=S.IN_PROGRESS)
    other = CaseFactory(hub=referent.hub, assigned_to=referent, status=S.IN_PROGRESS)
    event(case, minutes=60, before="", after=S.NEW)
    event(case, minutes=50, before=S.QUALIFIED, after=S.ASSIGNED, by=manager, text="Urgent : récolte en cours.")
    VisitFactory(referent=referent, started_at=ago(40), recommendations="Claies surélevées.").cases.add(case)
    note(case, minutes=30, author=referent, body=french(FIELD_DAY_TEXT + 100))
    note(case, minutes=20, author=manager, visibility=CaseNote.Visibility.SME, body="Le devis est prêt.")
    note(other, minutes=10, author=manager, body="Une note d'un autre dossier.")
    event(case, minutes=5, before=S.ASSIGNED, after=S.IN_PROGRESS, by=referent)

    with translation.override("en"):
        copy = field_day(user=referent)
    timeline = next(day for day in copy["cases"] if day["id"] == case.pk)["timeline"]

    assert FIELD_DAY_ENTRIES == 5
    assert [entry[1:] for entry in timeline] == [
        ["status", referent.get_full_name(), "Assigned → In progress"],
        ["sme", "Mariam Coulibaly", "Le devis est prêt."],
        ["internal", referent.get_full_name(), french(FIELD_DAY_TEXT - 1) + "…"],
        ["visit", referent.get_full_name(), "Visit: Diagnostic\nClaies surélevées."],
        ["status", "Mariam Coulibaly", "Qualified → Assigned\nUrgent : récolte en cours."],
    ]
    times = [datetime.datetime.fromisoformat(entry[0]) for entry in timeline]
    assert times == sorted(times, reverse=True)
    other_timeline = next(day for day in copy["cases"] if day["id"] == other.pk)["timeline"]
    assert [entry[3] for entry in other_timeline] == ["Une note d'un autre dossier."]


def test_long_author_names_are_cut(referent):
    author = ManagerFactory(hub=referent.hub, first_name="A" * 150, last_name="B" * 150)
    case = CaseFactory(hub=referent.hub, assigned_to=referent, status=S.IN_PROGRESS)
    note(case, minutes=1, author=author)

    (entry,) = field_day(user=referent)["cases"][0]["timeline"]

    assert entry[2] == "A" * (FIELD_DAY_NAME - 1) + "…"


def test_internal_notes_reach_only_those_who_may_read_them(hub, enterprise):
    """Referents read internal notes (the timeline above); an SME user never does, not even of a case wrongly
    assigned to them (which `Case.clean` refuses), and reads no visit."""
    sme = SmeUserFactory(hub=hub, enterprise=enterprise)
    case = CaseFactory(enterprise=enterprise, assigned_to=sme, status=S.WAITING_SME)
    note(case, minutes=3, body="Interne : promoteur difficile à joindre.")
    note(case, minutes=2, body="Pouvez-vous envoyer une photo ?", visibility=CaseNote.Visibility.SME)
    VisitFactory(enterprise=enterprise, started_at=ago(1)).cases.add(case)

    (day,) = field_day(user=sme)["cases"]

    assert [entry[1:2] + entry[3:] for entry in day["timeline"]] == [["sme", "Pouvez-vous envoyer une photo ?"]]


@pytest.mark.parametrize("cases", [1, 40])
def test_the_copy_takes_the_same_queries_whatever_the_number_of_cases(cases, referent, django_assert_num_queries):
    manager = ManagerFactory(hub=referent.hub)
    visit = VisitFactory(referent=referent)
    for n in range(cases):
        case = CaseFactory(hub=referent.hub, assigned_to=referent, status=S.IN_PROGRESS, resolve_due=days(n - 5))
        note(case, minutes=2, author=manager)
        event(case, minutes=1, before=S.ASSIGNED, after=S.IN_PROGRESS, by=referent)
        visit.cases.add(case)

    with django_assert_num_queries(QUERIES):
        copy = field_day(user=referent)

    assert len(copy["cases"]) == cases
    assert all(len(day["timeline"]) == 3 for day in copy["cases"])


def test_forty_cases_with_every_text_at_its_longest_fit_the_budget(hub):
    """Every field at its model's length, French text, longer texts and more entries than the copy keeps."""
    referent = ReferentUserFactory(hub=hub, first_name="R" * 150, last_name="é" * 150)
    manager = ManagerFactory(hub=hub, first_name="M" * 150, last_name="à" * 150)
    visits = [
        VisitFactory(referent=referent, recommendations=french(3000), started_at=ago(100 + n))
        for n in range(FIELD_DAY_ENTRIES + 1)
    ]
    notes, events = [], []
    for n in range(40):
        enterprise = EnterpriseFactory(
            hub=hub,
            name=french(200),
            owner_name=french(150),
            owner_phone="+22376123456",
            address=french(255),
            commune=french(120),
        )
        case = CaseFactory(
            enterprise=enterprise,
            assigned_to=referent,
            status=S.IN_PROGRESS,
            reference=f"ML-2026-{n:012d}",
            title=french(200),
            description=french(5000),
            resolve_due=days(n - 20),
            version=123456,
        )
        for visit in visits:
            visit.cases.add(case)
        for minutes in range(FIELD_DAY_ENTRIES + 1):
            notes.append(CaseNote(case=case, author=manager, body=french(3000)))
            events.append(
                CaseEvent(
                    case=case,
                    from_status=S.WAITING_SME,
                    to_status=S.IN_PROGRESS,
                    actor=manager,
                    note=french(3000),
                    created_at=ago(minutes),
                )
            )
    CaseNote.objects.bulk_create(notes)
    CaseEvent.objects.bulk_create(events)

    with translation.override("fr"):
        copy = field_day(user=referent)

    assert len(copy["cases"]) == 40
    assert all(len(day["timeline"]) == FIELD_DAY_ENTRIES for day in copy["cases"])
    assert all(len(entry[3]) == FIELD_DAY_TEXT for day in copy["cases"] for entry in day["timeline"])
    weight = size(copy)
    print(f"field_day: 40 cases at their longest take {weight:,} bytes of JSON ({weight / 1024:.1f} KiB)")
    assert weight <= BUDGET

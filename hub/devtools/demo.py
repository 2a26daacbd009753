"""The demo data (fixtures/demo.json): the 2026 pilot year of the Mali hub and the first months of a smaller
Niger hub, with the accounts the README publishes, built by the generator (`hub.devtools.datagen`) and
checked for what each demo account is meant to see. `manage.py build_demo_fixture` runs it in a throw-away
database and writes `fixture_rows()`."""

import datetime
import zoneinfo
from random import Random

from django.apps import apps
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core import serializers
from django.db.models import F

from cases.models import OPEN_STATUSES, Case, CaseStatus
from hub.devtools.datagen import (
    ScriptedCase,
    Spec,
    generate,
    holidays_announce,
    hub_create,
    targets_for,
    users_create,
)
from hub.followups.selectors import DUE_SOON_DAYS
from hub.models import AdministrativeUnit, FollowUp, Hub, Partner, Referent, Role, TechnologySheet, User
from visits.models import Visit

S = CaseStatus
DEMO_PASSWORD = "demo-2026"  # noqa: S105 - the published password of the demo accounts  # nosec B105
SEED = 2026
START = datetime.date(2026, 1, 5)
END = datetime.date(2026, 11, 20)
PLANNED_AFTER = datetime.date(2026, 11, 22)
DUE_SOON = datetime.timedelta(days=DUE_SOON_DAYS)
"""How far ahead the referent's home and the SME's portal list the follow-ups coming due."""
REFERENT_REGIONS = ("ML-BKO", "ML-KTL")
REFERENT_DOMAINS = ("agro", "energy", "quality")
MALI_ANNOUNCED = {
    datetime.date(2026, 8, 25): datetime.date(2026, 8, 26),
    datetime.date(2026, 9, 1): datetime.date(2026, 9, 2),
}
"""The Maouloud and the Prophet's baptism as Mali announced them, a day after the library's estimates: the
Mali manager's corrections of the calendar."""
NIGER_START = datetime.date(2026, 3, 2)
"""The Niger hub, opened later, has its first requests in March."""


def _day(month: int, day: int) -> datetime.date:
    return datetime.date(2026, month, day)


SCRIPTED_CASES = [
    # The SME's enterprise (index 0): a closed history (the 6-month follow-up of the second case comes due
    # just after the demo's end), a resolved case still to rate, work under way.
    ScriptedCase(enterprise=0, referent=0, received_on=_day(2, 10), status=S.CLOSED, rated=True),
    ScriptedCase(enterprise=0, referent=0, received_on=_day(5, 18), status=S.CLOSED),
    ScriptedCase(enterprise=0, referent=0, received_on=_day(10, 26), status=S.RESOLVED),
    ScriptedCase(enterprise=0, referent=0, received_on=_day(11, 2), status=S.WAITING_SME),
    ScriptedCase(enterprise=0, received_on=_day(11, 19), status=S.NEW),
    # The demo referent's open work, some of it past its service standard.
    ScriptedCase(referent=0, received_on=_day(9, 14), status=S.IN_PROGRESS),
    ScriptedCase(referent=0, received_on=_day(10, 5), status=S.WAITING_SME),
    ScriptedCase(referent=0, received_on=_day(10, 28), status=S.ASSIGNED),
    ScriptedCase(referent=0, received_on=_day(11, 16), status=S.IN_PROGRESS),
    ScriptedCase(referent=0, received_on=_day(11, 18), status=S.ASSIGNED),
    # The manager's triage queue.
    ScriptedCase(received_on=_day(11, 18), status=S.QUALIFIED),
    ScriptedCase(received_on=_day(11, 20), status=S.NEW),
]
NIGER_SCRIPTED_CASES = [
    # The Niger referent's history and open work (one case past its standard), the Niger manager's queue.
    ScriptedCase(referent=0, received_on=_day(6, 8), status=S.CLOSED, rated=True),
    ScriptedCase(referent=0, received_on=_day(9, 21), status=S.RESOLVED),
    ScriptedCase(referent=0, received_on=_day(10, 12), status=S.IN_PROGRESS),
    ScriptedCase(referent=0, received_on=_day(11, 10), status=S.WAITING_SME),
    ScriptedCase(referent=0, received_on=_day(11, 17), status=S.ASSIGNED),
    ScriptedCase(received_on=_day(11, 18), status=S.QUALIFIED),
    ScriptedCase(received_on=_day(11, 19), status=S.NEW),
]
SPEC = Spec(
    seed=SEED,
    enterprises=150,
    cases=300,
    visits=240,
    start=START,
    end=END,
    referent_usernames=["referent", *(f"ml-referent-{n:03d}" for n in range(2, 9))],
    sme_usernames={0: "sme"},
    featured={0: ("shea_coop", "ML-KTL")},
    featured_referents={0: (REFERENT_REGIONS, REFERENT_DOMAINS)},
    scripted_cases=SCRIPTED_CASES,
)
NIGER_SPEC = Spec(
    seed=SEED,
    enterprises=40,
    cases=60,
    visits=40,
    start=NIGER_START,
    end=END,
    referent_usernames=["referent-ne", "ne-referent-002", "ne-referent-003"],
    featured_referents={0: (("NE-8", "NE-3"), ("agro", "energy", "mechanics"))},
    scripted_cases=NIGER_SCRIPTED_CASES,
)
STAFF = [
    # username, role, first name, last name, in the Mali hub
    ("admin", Role.ADMIN, "Oumar", "Sanogo", False),
    ("manager", Role.MANAGER, "Mariam", "Coulibaly", True),
    ("viewer", Role.VIEWER, "Fatoumata", "Keïta", False),
]
DEMO_USERS = ("admin", "manager", "viewer", "referent", "sme", "manager-ne", "referent-ne", "viewer-ne")
"""The accounts that sign in with the published password (the Mali ones first: their salts stay as they were
before the Niger hub came)."""


M2M_OWNERS = {
    Referent: "regions",
    Partner: "regions",
    Visit: "cases",
    TechnologySheet: "partners",
    User: "report_hubs",
}


def fixture_rows() -> list[dict]:
    """What `dumpdata hub cases visits` gives, less the administrative units and their history (data
    migrations make them) and with many-to-many links as rows of their through tables: loaddata would
    otherwise `set()` them, and simple-history answers that signal with a new history row that is not in
    the fixture."""
    rows = []
    for label in ("hub", "cases", "visits"):
        for model in apps.get_app_config(label).get_models():
            if model in (AdministrativeUnit, AdministrativeUnit.history.model):
                continue
            for row in serializers.serialize("python", model._default_manager.order_by("pk")):
                row["fields"].pop(M2M_OWNERS.get(model, ""), None)
                rows.append(row)
    for model, name in M2M_OWNERS.items():
        rows += serializers.serialize("python", getattr(model, name).through.objects.order_by("pk"))
    return rows


def build() -> dict[str, dict[str, int]]:
    """Build the two hubs in the database in use (a throw-away one: the command's) and give the demo
    accounts the published password; returns the rows written per hub and model."""
    mali = _build_mali()
    niger = _build_niger()
    hasher = PBKDF2PasswordHasher()
    salts = Random(SEED)  # noqa: S311 - a stable fixture, the password is published anyway  # nosec B311
    for username in DEMO_USERS:
        salt = f"{salts.getrandbits(96):024x}"
        User.objects.filter(username=username).update(password=hasher.encode(DEMO_PASSWORD, salt))
    return {"ML": mali, "NE": niger}


def _build_mali() -> dict[str, int]:
    """The Mali hub, its rows (and ids) as they were before the Niger hub came after them."""
    opened = datetime.datetime(2025, 12, 1, 9, tzinfo=zoneinfo.ZoneInfo("Africa/Bamako"))
    hub = hub_create(
        code="ML",
        name="HUB IIT Mali",
        host_organisation="Conseil National du Patronat du Mali (CNPM)",
        created_at=opened,
        years=[2026],
        targets={2026: targets_for(enterprises=160, cases=320, visits=260)},
    )
    staff = [
        User(
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=f"{username}@example.org",
            role=role,
            hub=hub if in_hub else None,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
            date_joined=opened,
        )
        for username, role, first_name, last_name, in_hub in STAFF
    ]
    users_create(users=staff)
    holidays_announce(hub=hub, announced=MALI_ANNOUNCED, by=staff[1])
    return generate(hub=hub, manager=staff[1], spec=SPEC)


def _build_niger() -> dict[str, int]:
    """The Niger hub (UTC+1), its manager, referents and a regional viewer limited to it."""
    opened = datetime.datetime(2026, 2, 2, 9, tzinfo=zoneinfo.ZoneInfo("Africa/Niamey"))
    hub = hub_create(
        code="NE",
        name="HUB IIT Niger",
        country="NE",
        host_organisation="Conseil National du Patronat Nigérien (CNPN)",
        created_at=opened,
        years=[2026],
        targets={2026: targets_for(enterprises=45, cases=70, visits=45)},
    )
    manager = User(
        username="manager-ne",
        first_name="Hadiza",
        last_name="Moussa",
        email="manager-ne@example.org",
        role=Role.MANAGER,
        hub=hub,
        date_joined=opened,
    )
    users_create(users=[manager])
    viewer = User(
        username="viewer-ne",
        first_name="Ibrahim",
        last_name="Garba",
        email="viewer-ne@example.org",
        role=Role.VIEWER,
        date_joined=opened,
    )
    users_create(users=[viewer], report_hubs=[hub])
    return generate(hub=hub, manager=manager, spec=NIGER_SPEC)


def shortfalls() -> list[str]:
    """What the built data misses of what the demo accounts are meant to see: the command refuses to write
    the fixture unless it is nothing."""
    hub = Hub.objects.get(code="ML")
    referent = User.objects.get(username="referent")
    sme = User.objects.get(username="sme")
    cases = Case.objects.filter(hub=hub)
    visits = Visit.objects.filter(hub=hub)
    days = (START, END)
    problems = []
    if cases.count() != SPEC.cases or cases.exclude(received_at__date__range=days).exists():
        problems.append("cases outside 2026 or not 300")
    if visits.count() != SPEC.visits or visits.exclude(started_at__date__range=days).exists():
        problems.append("visits outside 2026 or not 240")
    missing = {s for s in OPEN_STATUSES if not cases.filter(status=s).exists()}
    if missing:
        problems.append(f"no open case in {sorted(missing)}")
    mine = cases.filter(assigned_to=referent, status__in=OPEN_STATUSES)
    if not mine.filter(resolve_due__lt=END).exists():
        problems.append("the referent has no overdue open case")
    if not referent.visits.filter(follow_up_date__gt=PLANNED_AFTER).exists():
        problems.append("the referent has no visit planned after 22 November")
    problems += _check_followups(hub=hub, referent=referent, sme=sme)
    theirs = cases.filter(enterprise=sme.enterprise)
    if (
        theirs.values("status").distinct().count() < 3
        or not theirs.filter(status=S.RESOLVED, satisfaction_rating=None).exists()
    ):
        problems.append("the SME's enterprise lacks varied cases or a resolved case to rate")
    problems += _check_niger()
    return problems


def _check_niger() -> list[str]:
    """The Niger hub's referent has open work, one case past its standard, and its manager a queue."""
    hub = Hub.objects.get(code="NE")
    cases = Case.objects.filter(hub=hub)
    problems = []
    if cases.count() != NIGER_SPEC.cases or Visit.objects.filter(hub=hub).count() != NIGER_SPEC.visits:
        problems.append("Niger: not 60 cases and 40 visits")
    mine = cases.filter(assigned_to__username="referent-ne", status__in=OPEN_STATUSES)
    if not mine.filter(resolve_due__lt=END).exists():
        problems.append("Niger: the referent has no overdue open case")
    if not cases.filter(status__in=(S.NEW, S.QUALIFIED)).exists():
        problems.append("Niger: the manager has nothing to triage")
    return problems


def _check_followups(*, hub: Hub, referent: User, sme: User) -> list[str]:
    """The impact loop shows: 6-month follow-ups due by the end collected on time, late, self-reported
    (some confirmed) or not at all, and follow-ups coming due in the two weeks after the end for the
    demo referent and the SME."""
    problems = []
    followups = FollowUp.objects.filter(hub=hub)
    due = followups.filter(kind=FollowUp.Kind.MONTH_6, due_date__lte=END)
    outcomes = {
        "collected on time": due.filter(collected_on__lte=F("due_date"), self_reported=False),
        "collected late": due.filter(collected_on__gt=F("due_date"), self_reported=False),
        "self-reported": due.filter(self_reported=True),
        "self-reported and confirmed": due.filter(self_reported=True, confirmed_at__isnull=False),
        "not collected": due.filter(collected_on=None),
    }
    lacking = [name for name, followups_of in outcomes.items() if not followups_of.exists()]
    if lacking:
        problems.append(f"no 6-month follow-up due by the end {', '.join(lacking)}")
    coming = followups.filter(collected_on=None, due_date__gt=END, due_date__lte=END + DUE_SOON)
    if not coming.filter(assigned_to=referent).exists():
        problems.append("the referent has no follow-up coming due in the two weeks after the end")
    if not coming.filter(enterprise=sme.enterprise, kind=FollowUp.Kind.MONTH_6).exists():
        problems.append("the SME has no questionnaire coming due in the two weeks after the end")
    if not followups.filter(kind=FollowUp.Kind.MONTH_12, due_date__gt=PLANNED_AFTER, collected_on=None).exists():
        problems.append("no 12-month follow-up planned after 22 November")
    return problems

import datetime
import json
from pathlib import Path
from random import Random

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import F

from cases.models import OPEN_STATUSES, Case, CaseStatus
from hub.datagen import BAMAKO, ScriptedCase, Spec, generate, hub_create, targets_for, users_create
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
STAFF = [
    # username, role, first name, last name, in the hub
    ("admin", Role.ADMIN, "Oumar", "Sanogo", False),
    ("manager", Role.MANAGER, "Mariam", "Coulibaly", True),
    ("viewer", Role.VIEWER, "Fatoumata", "Keïta", False),
]


M2M_OWNERS = {Referent: "regions", Partner: "regions", Visit: "cases", TechnologySheet: "partners"}


def _rows() -> list[dict]:
    """What `dumpdata hub cases visits` gives, less the administrative units (a data migration makes
    them) and with many-to-many links as rows of their through tables: loaddata would otherwise `set()`
    them, and simple-history answers that signal with a new history row that is not in the fixture."""
    rows = []
    for label in ("hub", "cases", "visits"):
        for model in apps.get_app_config(label).get_models():
            if model is AdministrativeUnit:
                continue
            for row in serializers.serialize("python", model._default_manager.order_by("pk")):
                row["fields"].pop(M2M_OWNERS.get(model, ""), None)
                rows.append(row)
    for model, name in M2M_OWNERS.items():
        rows += serializers.serialize("python", getattr(model, name).through.objects.order_by("pk"))
    return rows


class Command(BaseCommand):
    help = (
        "Rebuild fixtures/demo.json, the 2026 pilot year of the Mali hub, in a throw-away test database "
        "(the configured database is not touched)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=Path(settings.BASE_DIR) / "fixtures" / "demo.json")

    def handle(self, *args, output: Path, **options):
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            self._build()
            self._check()
            output.parent.mkdir(parents=True, exist_ok=True)
            with output.open("w", encoding="utf-8") as stream:
                json.dump(_rows(), stream, cls=DjangoJSONEncoder, indent=1, ensure_ascii=False)
                stream.write("\n")
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"Wrote {output} ({output.stat().st_size / 1e6:.1f} MB)."))

    def _build(self) -> None:
        opened = datetime.datetime(2025, 12, 1, 9, tzinfo=BAMAKO)
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
        counts = generate(hub=hub, manager=staff[1], spec=SPEC)
        hasher = PBKDF2PasswordHasher()
        salts = Random(SEED)  # noqa: S311 - a stable fixture, the password is published anyway  # nosec B311
        for username in ("admin", "manager", "viewer", "referent", "sme"):
            salt = f"{salts.getrandbits(96):024x}"
            User.objects.filter(username=username).update(password=hasher.encode(DEMO_PASSWORD, salt))
        for label, number in sorted(counts.items()):
            self.stdout.write(f"  {label}: {number}")

    def _check(self) -> None:
        """Refuse to write a fixture that does not show what the demo accounts are meant to see."""
        hub = Hub.objects.get()
        referent = User.objects.get(username="referent")
        sme = User.objects.get(username="sme")
        cases = Case.objects.filter(hub=hub)
        days = (START, END)
        problems = []
        if cases.count() != SPEC.cases or cases.exclude(received_at__date__range=days).exists():
            problems.append("cases outside 2026 or not 300")
        if Visit.objects.count() != SPEC.visits or Visit.objects.exclude(started_at__date__range=days).exists():
            problems.append("visits outside 2026 or not 240")
        missing = {s for s in OPEN_STATUSES if not cases.filter(status=s).exists()}
        if missing:
            problems.append(f"no open case in {sorted(missing)}")
        mine = cases.filter(assigned_to=referent, status__in=OPEN_STATUSES)
        if not mine.filter(resolve_due__lt=END).exists():
            problems.append("the referent has no overdue open case")
        if not referent.visits.filter(follow_up_date__gt=PLANNED_AFTER).exists():
            problems.append("the referent has no visit planned after 22 November")
        problems += self._check_followups(hub=hub, referent=referent, sme=sme)
        theirs = cases.filter(enterprise=sme.enterprise)
        if (
            theirs.values("status").distinct().count() < 3
            or not theirs.filter(status=S.RESOLVED, satisfaction_rating=None).exists()
        ):
            problems.append("the SME's enterprise lacks varied cases or a resolved case to rate")
        if problems:
            raise CommandError("The demo data misses: " + "; ".join(problems))

    @staticmethod
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

"""The world of the access matrix (tests/test_access_matrix.py): two hubs, three enterprises and, for
each, the records every route can be asked about.

Targets, as seen from the first hub's users:

- ``own``: a record of enterprise A (the SME user's enterprise) in hub 1;
- ``other_ent``: the same record for enterprise B, also in hub 1;
- ``other_hub``: the same record for enterprise C, in hub 2;
- ``internal``: a file of A's case not shared with the SME;
- ``draft``, ``archived_own``, ``archived_other``: sheets of hub 1 that are a draft, archived but shared
  in A's case, archived and shared in B's case only;
- ``mixed``: the pk of A's record with the file token of another record (B's case, hub 1's draft sheet);
- ``not_referent``: a user of hub 1 who is not a referent;
- ``missing``: a pk (and token) that exists nowhere.

Every record carries a unique marker string so that list pages can be searched for what they must not
show.
"""

import datetime
import io
import uuid
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.authtoken.models import Token

from cases import services as case_services
from cases.rating import rating_token
from hub.followups.questionnaire import questionnaire_token
from hub.library import services as library_services
from hub.models import (
    ExportJob,
    FollowUp,
    HubHoliday,
    ImportBatch,
    InboundMessage,
    OutgoingMessage,
    TechnologySheet,
)
from tests.factories import (
    AdminFactory,
    CaseFactory,
    EnterpriseFactory,
    FollowUpFactory,
    HubFactory,
    ManagerFactory,
    PartnerFactory,
    ReferentUserFactory,
    SheetFactory,
    SmeUserFactory,
    ViewerFactory,
    VisitFactory,
)
from visits.services import visit_add_photo

MISSING_PK = 987_654
MISSING_TOKEN = uuid.UUID("00000000-0000-4000-8000-0000000000ff")
MISSING_HUB = "ZZ9"

ROLES = (
    "anonymous",
    "sme",
    "referent",
    "manager",
    "viewer",
    "admin",
    "other_manager",
    "other_referent",
)
"""`sme`, `referent` and `manager` belong to hub 1 (the SME user to enterprise A); `other_*` to hub 2;
`viewer` (regional) and `admin` to no hub."""


def pdf(name: str = "devis.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 devis\n%%EOF\n", content_type="application/pdf")


def jpeg(name: str = "IMG_0001.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@dataclass
class World:
    users: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    """Role -> API token key."""
    sessions: dict = field(default_factory=dict)
    """Role -> session key (opened by the test module)."""
    hubs: dict = field(default_factory=dict)
    pks: dict = field(default_factory=dict)
    """Kind -> target -> pk."""
    files: dict = field(default_factory=dict)
    """Kind -> target -> (pk of the record, token of the file)."""
    markers: dict = field(default_factory=dict)
    export_tokens: dict = field(default_factory=dict)
    """Kind -> target -> a string found only in that record."""
    rating_token: str = ""
    questionnaire_token: str = ""

    def pk(self, kind: str, target: str) -> int:
        return MISSING_PK if target == "missing" else self.pks[kind][target]

    def file(self, kind: str, target: str) -> tuple[int, uuid.UUID]:
        return (MISSING_PK, MISSING_TOKEN) if target == "missing" else self.files[kind][target]

    def export_token(self, target: str) -> uuid.UUID:
        return MISSING_TOKEN if target == "missing" else self.export_tokens[target]

    def hub_code(self, target: str) -> str:
        return MISSING_HUB if target == "missing" else self.hubs[target].code


def build_world() -> World:
    w = World()
    hub1 = HubFactory(code="AX1", name="Hub matrice un")
    hub2 = HubFactory(code="AX2", name="Hub matrice deux")
    w.hubs = {"own": hub1, "other_hub": hub2}
    ent = {
        "own": EnterpriseFactory(hub=hub1, name="Atelier Alphamark"),
        "other_ent": EnterpriseFactory(hub=hub1, name="Boulangerie Betamark"),
        "other_hub": EnterpriseFactory(hub=hub2, name="Cooperative Gammamark"),
    }
    users = {
        "sme": SmeUserFactory(enterprise=ent["own"], username="mx-sme", last_name="Smemark"),
        "referent": ReferentUserFactory(hub=hub1, username="mx-referent", last_name="Refonemark"),
        "manager": ManagerFactory(hub=hub1, username="mx-manager", last_name="Mgronemark"),
        "viewer": ViewerFactory(username="mx-viewer"),
        "admin": AdminFactory(username="mx-admin"),
        "other_manager": ManagerFactory(hub=hub2, username="mx-other-manager", last_name="Mgrtwomark"),
        "other_referent": ReferentUserFactory(hub=hub2, username="mx-other-referent", last_name="Reftwomark"),
    }
    w.users = users
    w.tokens = {role: Token.objects.create(user=user).key for role, user in users.items()}
    staff = {"own": users["manager"], "other_ent": users["manager"], "other_hub": users["other_manager"]}
    referent = {"own": users["referent"], "other_ent": users["referent"], "other_hub": users["other_referent"]}
    letters = {"own": "Alpha", "other_ent": "Beta", "other_hub": "Gamma"}

    w.pks["enterprise"] = {t: e.pk for t, e in ent.items()}
    w.markers["enterprise"] = {t: e.name for t, e in ent.items()}
    w.pks["hub"] = {t: h.pk for t, h in w.hubs.items()}
    w.pks["referent_user"] = {
        "own": users["referent"].pk,
        "other_hub": users["other_referent"].pk,
        "not_referent": users["manager"].pk,
    }
    w.pks["referent"] = {"own": users["referent"].pk, "other_hub": users["other_referent"].pk}
    w.markers["referent"] = {"own": "Refonemark", "other_hub": "Reftwomark"}

    cases, visits = {}, {}
    w.files = {"case": {}, "photo": {}, "sheet": {}}
    for target, enterprise in ent.items():
        case = CaseFactory(
            enterprise=enterprise, title=f"Case {letters[target]}mark", assigned_to=referent[target], status="assigned"
        )
        cases[target] = case
        (attachment,) = case_services.case_attach_files(case=case, by=staff[target], uploads=[pdf()])
        w.files["case"][target] = (case.pk, attachment.token)
        visit = VisitFactory(
            referent=referent[target], enterprise=enterprise, observations=f"Visit {letters[target]}mark"
        )
        visits[target] = visit
        photo, _created = visit_add_photo(visit=visit, by=referent[target], upload=jpeg())
        w.files["photo"][target] = (visit.pk, photo.token)
        FollowUpFactory(enterprise=enterprise, technology_notes=f"Followup {letters[target]}mark")
    (internal,) = case_services.case_attach_files(
        case=cases["own"], by=users["manager"], uploads=[pdf("note-interne.pdf")], visible_to_sme=False
    )
    w.files["case"]["internal"] = (cases["own"].pk, internal.token)
    w.files["case"]["mixed"] = (cases["own"].pk, w.files["case"]["other_ent"][1])
    w.pks["case"] = {t: c.pk for t, c in cases.items()}
    w.markers["case"] = {t: c.title for t, c in cases.items()}
    w.pks["visit"] = {t: v.pk for t, v in visits.items()}
    w.markers["visit"] = {t: v.observations for t, v in visits.items()}
    w.pks["followup"] = {t: FollowUp.objects.get(enterprise=e, kind=FollowUp.Kind.BASELINE).pk for t, e in ent.items()}
    w.markers["followup"] = {t: f"Followup {letters[t]}mark" for t in ent}

    partners = {
        "own": PartnerFactory(hub=hub1, name="Partner Alphamark"),
        "other_hub": PartnerFactory(hub=hub2, name="Partner Gammamark"),
    }
    w.pks["partner"] = {t: p.pk for t, p in partners.items()}
    w.markers["partner"] = {t: p.name for t, p in partners.items()}

    published = TechnologySheet.Status.PUBLISHED
    sheets = {
        "own": SheetFactory(hub=hub1, author=users["referent"], title="Sheet Alphamark"),
        "draft": SheetFactory(
            hub=hub1, author=users["referent"], title="Sheet Draftmark", status=TechnologySheet.Status.DRAFT
        ),
        "archived_own": SheetFactory(hub=hub1, author=users["referent"], title="Sheet Archownmark"),
        "archived_other": SheetFactory(hub=hub1, author=users["referent"], title="Sheet Archothermark"),
        "other_hub": SheetFactory(hub=hub2, author=users["other_referent"], title="Sheet Gammamark"),
    }
    assert all(sheet.status == published for t, sheet in sheets.items() if t != "draft")
    case_services.case_share(case=cases["own"], by=users["manager"], sheet=sheets["archived_own"])
    case_services.case_share(case=cases["other_ent"], by=users["manager"], sheet=sheets["archived_other"])
    TechnologySheet.objects.filter(pk__in=[sheets["archived_own"].pk, sheets["archived_other"].pk]).update(
        status=TechnologySheet.Status.ARCHIVED
    )
    for target, sheet in sheets.items():
        author = users["other_referent"] if target == "other_hub" else users["referent"]
        attachment = library_services.sheet_attach(sheet=sheet, by=author, upload=pdf("fiche.pdf"))
        w.files["sheet"][target] = (sheet.pk, attachment.token)
    w.files["sheet"]["mixed"] = (sheets["own"].pk, w.files["sheet"]["draft"][1])
    w.pks["sheet"] = {t: s.pk for t, s in sheets.items()}
    w.markers["sheet"] = {t: s.title for t, s in sheets.items()}

    holidays = {
        target: HubHoliday.objects.create(
            hub=hub, date=datetime.date(2026, 12, 25), name=f"Holiday {letters[target]}mark"
        )
        for target, hub in (("own", hub1), ("other_hub", hub2))
    }
    w.pks["holiday"] = {t: h.pk for t, h in holidays.items()}
    w.markers["holiday"] = {t: h.name for t, h in holidays.items()}

    batches = {
        target: ImportBatch.objects.create(
            hub=hub, kind=ImportBatch.Kind.ENTERPRISES, file_name=f"Import {letters[target]}mark.csv", uploaded_by=by
        )
        for target, hub, by in (("own", hub1, users["manager"]), ("other_hub", hub2, users["other_manager"]))
    }
    w.pks["import_batch"] = {t: b.pk for t, b in batches.items()}
    w.markers["import_batch"] = {t: b.file_name for t, b in batches.items()}

    sent = {
        target: OutgoingMessage.objects.create(
            hub=hub,
            channel=OutgoingMessage.Channel.SMS,
            to="+22376000000",
            template="received",
            language="fr",
            body=f"Message {letters[target]}mark",
            status=OutgoingMessage.Status.FAILED,
        )
        for target, hub in (("own", hub1), ("other_hub", hub2))
    }
    w.pks["outgoing_message"] = {t: m.pk for t, m in sent.items()}
    w.markers["outgoing_message"] = {t: m.body for t, m in sent.items()}
    received = {
        target: InboundMessage.objects.create(
            hub=hub, gateway="default", sender="+22376000000", text=f"Received {letters[target]}mark"
        )
        for target, hub in (("own", hub1), ("other_hub", hub2))
    }
    w.pks["inbound_message"] = {t: m.pk for t, m in received.items()}
    w.markers["inbound_message"] = {t: m.text for t, m in received.items()}

    jobs = {
        target: ExportJob.objects.create(
            requester=by,
            hub=hub,
            kind="report",
            format=ExportJob.Format.CSV,
            status=ExportJob.Status.READY,
            file=SimpleUploadedFile("rapport.csv", f"Export {letters[target]}mark\n".encode()),
            file_name="rapport.csv",
        )
        for target, hub, by in (("own", hub1, users["manager"]), ("other_hub", hub2, users["other_manager"]))
    }
    w.export_tokens = {t: job.token for t, job in jobs.items()}

    w.rating_token = rating_token(cases["own"])
    six_months = FollowUpFactory(case=cases["own"], kind=FollowUp.Kind.MONTH_6)
    w.questionnaire_token = questionnaire_token(six_months)
    return w

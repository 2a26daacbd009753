"""An enterprise's data on request: the full export, and an anonymisation that leaves no personal string
anywhere in the database (history and admin log included) while every report figure stays the same."""

import datetime
import io
import json
import uuid
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone
from PIL import Image
from rest_framework.authtoken.models import Token

from cases.models import Case, CaseAttachment, CaseEvent, CaseShare, CaseStatus
from hub.models import Enterprise, FollowUp, InboundMessage, OutgoingMessage, User
from hub.privacy import ANONYMISED_REASON, ANONYMISED_TEXT, enterprise_anonymise, enterprise_export
from hub.privacy import enterprise_export_archive as export_archive
from hub.reports.impact import impact
from hub.reports.programme import full_report
from hub.reports.selectors import BREAKDOWNS, ReportFilters, activity
from tests.factories import (
    CaseFactory,
    CaseNoteFactory,
    EnterpriseFactory,
    FollowUpFactory,
    ManagerFactory,
    ReferentUserFactory,
    SheetFactory,
    SmeUserFactory,
    VisitFactory,
)
from visits.models import VisitPhoto, VisitShare

pytestmark = pytest.mark.django_db

NAME = "Karité Mariam & Filles"
OWNER = "Mariam Coulibaly-Dembélé"
PHONE = "+22365987412"
EMAIL = "mariam.dembele@karite-example.ml"
RCCM = "MA.BKO.2019.B.4711"
NIF = "084512379X"
ADDRESS = "Rue 312, porte 45, Badalabougou"
ACTIVITY = "Beurre de karité de la famille Dembélé"
LATITUDE, LONGITUDE = Decimal("12.612345"), Decimal("-7.987654")
SME_FIRST, SME_LAST = "Fatoumata", "Sangaré-Kouyaté"
SME_PHONE = "+22366554433"
SME_EMAIL = "fatoumata.sk@example.ml"
REFERENT_PHONE = "+22370112233"

PERSONAL_STRINGS = [
    NAME,
    OWNER,
    "Coulibaly-Dembélé",
    "Dembélé",
    PHONE,
    PHONE.removeprefix("+223"),
    EMAIL,
    RCCM,
    NIF,
    ADDRESS,
    "Badalabougou",
    str(LATITUDE),
    str(LONGITUDE).lstrip("-"),
    SME_LAST,
    SME_PHONE,
    SME_PHONE.removeprefix("+223"),
    SME_EMAIL,
    "contrat-mariam",
    "devis-mariam",
]
"""What identifies the enterprise's people. None of it may remain anywhere after the anonymisation."""


def jpeg(colour: str = "orange") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), colour).save(out, "JPEG")
    return out.getvalue()


PDF = b"%PDF-1.4\n% contrat\n%%EOF\n"


@dataclass
class Records:
    enterprise: Enterprise
    other: Enterprise
    sme: User
    referent: User
    manager: User
    cases: list = field(default_factory=list)
    visits: list = field(default_factory=list)
    attachment: CaseAttachment | None = None
    photo: VisitPhoto | None = None
    left_file: str = ""


def build_enterprise_records(*, hub, other_hub, admin) -> Records:
    """One enterprise full of personal data (cases in every state, notes, timeline, an attachment, shared
    items, visits with GPS and a photo, follow-ups, an SME user with a token, history from changes and a
    deletion, an admin log entry), and other enterprises, in its hub and another, that must stay as
    they are."""
    now = timezone.now()
    manager = ManagerFactory(hub=hub, username="privacy-manager")
    referent = ReferentUserFactory(hub=hub, username="privacy-referent", first_name="Oumar", last_name="Sidibé")
    referent.phone = REFERENT_PHONE
    referent.save()
    enterprise = EnterpriseFactory(
        hub=hub,
        name=NAME,
        owner_name=OWNER,
        owner_phone=PHONE,
        owner_email=EMAIL,
        rccm=RCCM,
        nif=NIF,
        address=ADDRESS,
        activity=ACTIVITY,
        latitude=LATITUDE,
        longitude=LONGITUDE,
        employees_total=12,
        employees_women=9,
        women_led=True,
    )
    enterprise.commune = "Commune V"
    enterprise.save()  # a change in the history
    other = EnterpriseFactory(hub=hub, name="Savonnerie du Djoliba", women_led=False, employees_total=3)
    far = EnterpriseFactory(hub=other_hub, name="Moulin du Fleuve")
    sme = SmeUserFactory(
        hub=hub,
        enterprise=enterprise,
        username=SME_PHONE,
        first_name=SME_FIRST,
        last_name=SME_LAST,
        email=SME_EMAIL,
        phone=SME_PHONE,
    )
    Token.objects.create(user=sme)
    sheet = SheetFactory(hub=hub, author=referent)
    records = Records(enterprise=enterprise, other=other, sme=sme, referent=referent, manager=manager)

    resolved = CaseFactory(
        enterprise=enterprise,
        title=f"Presse à karité pour {OWNER}",
        description=f"{SME_FIRST} {SME_LAST} demande une presse ; rappeler au {PHONE}.",
        received_at=now - datetime.timedelta(days=40),
        created_by=sme,
    )
    resolved.status = CaseStatus.ASSIGNED
    resolved.assigned_to = referent
    resolved.acknowledged_at = now - datetime.timedelta(days=39)
    resolved.assigned_at = now - datetime.timedelta(days=38)
    resolved.save()
    resolved.status = CaseStatus.RESOLVED
    resolved.first_contact_at = now - datetime.timedelta(days=35)
    resolved.resolved_at = now - datetime.timedelta(days=20)
    resolved.resolution_summary = f"Presse installée chez {OWNER}."
    resolved.satisfaction_rating = 5
    resolved.satisfaction_comment = f"Merci, {SME_FIRST} {SME_LAST}."
    resolved.rated_at = now - datetime.timedelta(days=19)
    resolved.save()
    rejected = CaseFactory(
        enterprise=enterprise,
        status=CaseStatus.REJECTED,
        title="Crédit",
        description=f"Écrire à {EMAIL}",
        rejection_reason=f"Hors champ, vu avec {OWNER}",
        received_at=now - datetime.timedelta(days=10),
    )
    open_case = CaseFactory(
        enterprise=enterprise,
        title="Emballage",
        description="Sachets",
        received_at=now - datetime.timedelta(days=3),
        assigned_to=referent,
        status=CaseStatus.ASSIGNED,
    )
    gone = CaseFactory(enterprise=enterprise, title=f"Doublon {OWNER}", received_at=now - datetime.timedelta(days=2))
    gone.delete()  # its history remains, and names the owner
    records.cases = [resolved, rejected, open_case]
    CaseNoteFactory(case=resolved, author=referent, body=f"Appelé {OWNER} au {PHONE}.")
    CaseNoteFactory(case=resolved, author=sme, visibility="sme", body=f"Je suis {SME_FIRST} {SME_LAST}")
    CaseEvent.objects.create(
        case=resolved,
        from_status="in_progress",
        to_status="resolved",
        actor=referent,
        note=f"Vu {OWNER}",
        created_at=now,
    )
    records.attachment = CaseAttachment(
        case=resolved,
        token=uuid.uuid4(),
        original_name="contrat-mariam-coulibaly.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=referent,
    )
    records.attachment.file.save("contrat.pdf", ContentFile(PDF), save=False)
    records.attachment.save()
    removed = CaseAttachment(
        case=resolved,
        token=uuid.uuid4(),
        original_name="devis-mariam.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=sme,
    )
    removed.file.save("devis.pdf", ContentFile(PDF), save=False)
    removed.save()
    removed.delete()  # Django leaves the file in the storage
    records.left_file = removed.file.name
    CaseShare.objects.create(
        case=resolved, sheet=sheet, shared_by=referent, shared_at=now - datetime.timedelta(days=30)
    )

    visit = VisitFactory(
        enterprise=enterprise,
        referent=referent,
        started_at=now - datetime.timedelta(days=36),
        observations=f"{OWNER} nous a reçus ; sa fille {SME_FIRST} tient les comptes.",
        needs_found="Presse",
        recommendations="",
        next_step=f"Rappeler {PHONE}",
        latitude=LATITUDE,
        longitude=LONGITUDE,
        gps_accuracy_m=8,
        people_reached_total=6,
        people_reached_women=5,
    )
    visit.cases.add(resolved)
    records.photo = VisitPhoto(visit=visit, token=uuid.uuid4(), caption=f"Atelier de {OWNER}")
    records.photo.image.save("photo.jpg", ContentFile(jpeg()), save=False)
    records.photo.width, records.photo.height = 8, 6
    records.photo.save()
    VisitShare.objects.create(
        visit=visit, partner_name="Centre de formation", shared_by=referent, shared_at=now - datetime.timedelta(days=36)
    )
    second = VisitFactory(
        enterprise=enterprise, referent=referent, started_at=now - datetime.timedelta(days=5), observations=""
    )
    records.visits = [visit, second]

    FollowUpFactory(
        enterprise=enterprise,
        kind=FollowUp.Kind.BASELINE,
        collected_on=(now - datetime.timedelta(days=40)).date(),
        employees_total=10,
        turnover_xof=12_000_000,
        technology_notes=f"{SME_LAST} tient un cahier",
    )
    FollowUpFactory(
        enterprise=enterprise,
        case=resolved,
        kind=FollowUp.Kind.MONTH_6,
        collected_on=(now - datetime.timedelta(days=1)).date(),
        collected_by=referent,
        jobs_created=2,
        jobs_kept=10,
        turnover_xof=15_500_000,
        new_sales_xof=3_500_000,
        investment_xof=900_000,
        technology_adopted=True,
        satisfaction=5,
        recommend_score=9,
        technology_notes=f"Presse utilisée par {OWNER}",
        notes=f"Rappeler {OWNER} le matin",
    )

    # Others, in the same hub and in another: their figures and texts stay.
    other_case = CaseFactory(enterprise=other, received_at=now - datetime.timedelta(days=12), assigned_to=referent)
    other_case.status, other_case.resolved_at, other_case.satisfaction_rating = CaseStatus.RESOLVED, now, 3
    other_case.save()
    VisitFactory(enterprise=other, referent=referent, started_at=now - datetime.timedelta(days=11))
    FollowUpFactory(enterprise=other, collected_on=(now - datetime.timedelta(days=12)).date(), turnover_xof=2_000_000)
    FollowUpFactory(
        enterprise=other,
        case=other_case,
        kind=FollowUp.Kind.MONTH_6,
        collected_on=(now - datetime.timedelta(days=2)).date(),
        turnover_xof=2_500_000,
        jobs_created=1,
        recommend_score=4,
    )
    CaseFactory(enterprise=far, received_at=now - datetime.timedelta(days=4))

    LogEntry.objects.create(
        user=admin,
        content_type=ContentType.objects.get_for_model(Enterprise),
        object_id=str(enterprise.pk),
        object_repr=NAME,
        action_flag=CHANGE,
        change_message=json.dumps(
            [{"changed": {"fields": ["Owner's name"]}}, {"added": {"name": "x", "object": OWNER}}]
        ),
    )
    LogEntry.objects.create(
        user=admin,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(sme.pk),
        object_repr=SME_PHONE,
        action_flag=CHANGE,
        change_message="[]",
    )
    for to, name in ((PHONE, OWNER), (SME_EMAIL, f"Awa {SME_LAST}")):
        OutgoingMessage.objects.create(
            hub=hub,
            case=records.cases[0] if to == SME_EMAIL else None,
            channel=OutgoingMessage.Channel.EMAIL if "@" in to else OutgoingMessage.Channel.SMS,
            to=to,
            recipient_name=name,
            template="waiting_sme",
            language="fr",
            subject=f"Bonjour {name}",
            body=f"Bonjour {name}, votre demande attend votre réponse.",
            status=OutgoingMessage.Status.DELIVERED,
        )
    InboundMessage.objects.create(hub=hub, gateway="default", sender=SME_PHONE, text=f"Ici {SME_LAST}, je rappelle")
    return records


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def records(media, hub, other_hub, admin_user) -> Records:
    return build_enterprise_records(hub=hub, other_hub=other_hub, admin=admin_user)


def database_text() -> str:
    """Every row of every table, as `dumpdata` writes them (non-ASCII characters as they are)."""
    out = io.StringIO()
    call_command("dumpdata", format="json", stdout=out)
    return out.getvalue()


# Export


def test_the_export_holds_everything_about_the_enterprise_and_nothing_more(records, manager):
    data = enterprise_export(enterprise=records.enterprise, by=manager)
    json.dumps(data)  # plain JSON data

    assert data["enterprise"]["name"] == NAME
    assert data["enterprise"]["owner_phone"] == PHONE
    assert data["enterprise"]["rccm"] == RCCM
    assert data["enterprise"]["latitude"] == str(LATITUDE)
    assert data["enterprise"]["hub"] == "ML"
    [user] = data["users"]
    assert (user["username"], user["first_name"], user["phone"], user["email"]) == (
        SME_PHONE,
        SME_FIRST,
        SME_PHONE,
        SME_EMAIL,
    )
    assert "password" not in user
    assert records.sme.password not in json.dumps(data)

    assert [case["reference"] for case in data["cases"]] == [case.reference for case in records.cases]
    resolved = data["cases"][0]
    assert resolved["assigned_to"] == "Oumar Sidibé"
    assert [note["body"] for note in resolved["notes"]] == [
        f"Appelé {OWNER} au {PHONE}.",
        f"Je suis {SME_FIRST} {SME_LAST}",
    ]
    assert resolved["events"][0]["note"] == f"Vu {OWNER}"
    [attachment] = resolved["attachments"]
    assert attachment["original_name"] == "contrat-mariam-coulibaly.pdf"
    assert attachment["file"].startswith("files/cases/")
    assert resolved["shares"][0]["sheet"]
    assert resolved["visits"] == [records.visits[0].pk]

    visit = data["visits"][0]
    assert visit["observations"].startswith(OWNER)
    assert visit["cases"] == [records.cases[0].reference]
    assert visit["photos"][0]["caption"] == f"Atelier de {OWNER}"
    assert visit["shares"][0]["partner_name"] == "Centre de formation"
    assert sorted(followup["kind"] for followup in data["followups"]) == ["baseline", "m6"]
    assert [(message["to"], message["body"]) for message in data["messages_sent"]] == [
        (PHONE, f"Bonjour {OWNER}, votre demande attend votre réponse."),
        (SME_EMAIL, f"Bonjour Awa {SME_LAST}, votre demande attend votre réponse."),
    ]
    assert data["messages_sent"][1]["case"] == records.cases[0].reference
    assert [(message["sender"], message["text"]) for message in data["messages_received"]] == [
        (SME_PHONE, f"Ici {SME_LAST}, je rappelle")
    ]

    history = data["history"]
    assert [entry["type"] for entry in history["enterprise"]] == ["created", "changed"]
    assert history["enterprise"][0]["record"]["commune"] == "Commune III"
    deleted = [entry for entry in history["cases"] if entry["type"] == "deleted"]
    assert deleted and deleted[0]["record"]["title"] == f"Doublon {OWNER}"
    assert history["users"][0]["record"]["phone"] == SME_PHONE

    text = json.dumps(data, ensure_ascii=False)
    assert REFERENT_PHONE not in text, "staff appear by name only"
    assert "Savonnerie du Djoliba" not in text and "Moulin du Fleuve" not in text


def test_the_zip_holds_the_json_and_every_file(records, admin_user):
    out = io.BytesIO()
    data = export_archive(enterprise=records.enterprise, by=admin_user, target=out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        names = set(archive.namelist())
        assert json.loads(archive.read(f"enterprise-{records.enterprise.pk}.json")) == json.loads(json.dumps(data))
        attachment = data["cases"][0]["attachments"][0]["file"]
        photo = data["visits"][0]["photos"][0]["file"]
        assert names == {f"enterprise-{records.enterprise.pk}.json", attachment, photo}
        assert archive.read(attachment) == PDF
        assert archive.read(photo) == records.photo.image.open("rb").read()


@pytest.mark.parametrize("who", ["referent", "sme_user", "viewer", "other_manager"])
def test_only_the_hubs_managers_and_administrators_export_or_anonymise(records, request, who):
    person = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        enterprise_export(enterprise=records.enterprise, by=person)
    with pytest.raises(PermissionDenied):
        enterprise_anonymise(enterprise=records.enterprise, by=person)
    assert Enterprise.objects.get(pk=records.enterprise.pk).name == NAME


# Anonymisation


def test_after_anonymising_no_personal_string_remains_anywhere(
    records, manager, client, django_capture_on_commit_callbacks
):
    before = database_text()
    for text in PERSONAL_STRINGS:
        assert text in before, f"the test data should hold {text!r}"
    client.force_login(records.sme)
    files = [records.attachment.file.name, records.photo.image.name, records.left_file]
    assert all(default_storage.exists(name) for name in files)

    with django_capture_on_commit_callbacks(execute=True):
        enterprise_anonymise(enterprise=records.enterprise, by=manager)

    after = database_text()
    left = [text for text in PERSONAL_STRINGS if text in after]
    assert left == [], f"still in the database: {left}"
    assert not any(default_storage.exists(name) for name in files)

    enterprise = Enterprise.objects.get(pk=records.enterprise.pk)
    assert enterprise.name == f"Entreprise anonymisée #{enterprise.pk}"
    assert (enterprise.owner_name, str(enterprise.owner_phone or ""), enterprise.owner_email) == (
        ANONYMISED_TEXT,
        "",
        "",
    )
    assert (enterprise.latitude, enterprise.longitude, enterprise.rccm, enterprise.address) == (None, None, "", "")
    assert (enterprise.hub_id, enterprise.region_id, enterprise.sector, enterprise.size_class) == (
        records.enterprise.hub_id,
        "ML-BKO",
        "C",
        records.enterprise.size_class,
    )
    assert (enterprise.women_led, enterprise.employees_total, enterprise.employees_women) == (True, 12, 9)
    latest = enterprise.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (manager, ANONYMISED_REASON)
    assert enterprise.history.count() == 3, "the history is kept, without the personal data"

    sme = User.objects.get(pk=records.sme.pk)
    assert not sme.is_active and not sme.has_usable_password()
    assert not Token.objects.filter(user=sme).exists()
    assert not any(session.get_decoded().get("_auth_user_id") == str(sme.pk) for session in Session.objects.all())
    assert client.get("/portal/").status_code in (302, 403)

    case = Case.objects.get(pk=records.cases[0].pk)
    assert (case.title, case.description, case.satisfaction_comment) == (ANONYMISED_TEXT,) * 3
    assert (case.status, case.satisfaction_rating, case.reference) == (
        CaseStatus.RESOLVED,
        5,
        records.cases[0].reference,
    )
    assert case.version == records.cases[0].version + 1, "a form opened before cannot write the old text back"
    assert not CaseAttachment.objects.filter(case__enterprise=enterprise).exists()
    assert not VisitPhoto.objects.filter(visit__enterprise=enterprise).exists()
    assert Case.objects.get(pk=records.cases[1].pk).rejection_reason == ANONYMISED_TEXT
    assert records.visits[1].__class__.objects.get(pk=records.visits[1].pk).observations == ""


def test_anonymising_leaves_the_other_enterprises_alone(records, admin_user):
    other_before = Enterprise.objects.filter(pk=records.other.pk).values().get()
    texts = set(Case.objects.exclude(enterprise=records.enterprise).values_list("description", flat=True))
    enterprise_anonymise(enterprise=records.enterprise, by=admin_user)
    assert Enterprise.objects.filter(pk=records.other.pk).values().get() == other_before
    assert set(Case.objects.exclude(enterprise=records.enterprise).values_list("description", flat=True)) == texts
    assert User.objects.get(pk=records.referent.pk).phone == REFERENT_PHONE


def report_figures(user) -> dict:
    """Every figure of the reports, without the names of enterprises (the only labels that change)."""
    today = timezone.localdate()
    filters = ReportFilters(date_from=today - datetime.timedelta(days=400), date_to=today)
    now = timezone.now()
    figures = {}
    for by in BREAKDOWNS:
        report = full_report(user=user, filters=filters, by=by)
        if report["enterprises"] is not None:
            report["enterprises"] = sorted(
                ({key: value for key, value in row.items() if key != "name"} for row in report["enterprises"]),
                key=lambda row: row["pk"],
            )
        report["service_quality"]["backlog_by_age"] = None  # recomputed below at a fixed time
        figures[by] = report
    figures["activity"] = activity(user=user, filters=filters)
    figures["impact"] = impact(user=user, filters=filters)
    for women_led in (True, False):
        narrowed = ReportFilters(date_from=filters.date_from, date_to=filters.date_to, women_led=women_led)
        figures[f"women_led={women_led}"] = full_report(user=user, filters=narrowed, by="size_class")["activity"]
    from hub.reports.selectors import backlog_by_age

    figures["backlog"] = backlog_by_age(user=user, filters=filters, now=now.replace(hour=12, minute=0))
    return figures


def test_the_report_figures_are_the_same_before_and_after(records, admin_user, manager):
    before = {"admin": report_figures(admin_user), "manager": report_figures(manager)}
    assert before["admin"]["activity"]["cases_received"] >= 5
    assert before["admin"]["impact"]["jobs_created"] == 3
    assert before["admin"]["impact"]["turnover"]["enterprises"] == 2
    enterprise_anonymise(enterprise=records.enterprise, by=manager)
    after = {"admin": report_figures(admin_user), "manager": report_figures(manager)}
    assert after == before


def test_anonymising_twice_changes_nothing_more(records, admin_user):
    """The second run writes one more history row for the enterprise and its users, and bumps the cases'
    version; every other row stays as the first run left it."""

    def rows():
        kept = []
        for row in json.loads(database_text()):
            if row["model"] in ("hub.historicalenterprise", "hub.historicaluser"):
                continue
            row["fields"].pop("version", None)
            row["fields"].pop("password", None)
            kept.append(row)
        return kept

    enterprise_anonymise(enterprise=records.enterprise, by=admin_user)
    first = rows()
    enterprise_anonymise(enterprise=records.enterprise, by=admin_user)
    assert rows() == first


# Commands


def test_export_enterprise_writes_the_zip(records, tmp_path, manager):
    target = tmp_path / "export.zip"
    out = io.StringIO()
    call_command("export_enterprise", records.enterprise.pk, output=str(target), by=manager.username, stdout=out)
    assert "3 cases" in out.getvalue()
    with zipfile.ZipFile(target) as archive:
        assert f"enterprise-{records.enterprise.pk}.json" in archive.namelist()
    call_command("export_enterprise", records.enterprise.pk, output=str(tmp_path / "e.json"), format="json", stdout=out)
    assert json.loads((tmp_path / "e.json").read_text())["enterprise"]["owner_name"] == OWNER


def test_export_enterprise_explains_what_is_wrong(records, tmp_path, referent):
    with pytest.raises(CommandError, match="No enterprise with the id 999999"):
        call_command("export_enterprise", 999999, output=str(tmp_path / "x.zip"))
    with pytest.raises(CommandError, match="may not export"):
        call_command("export_enterprise", records.enterprise.pk, output=str(tmp_path / "x.zip"), by=referent.username)
    assert not (tmp_path / "x.zip").exists()
    with pytest.raises(CommandError, match="No active user"):
        call_command("export_enterprise", records.enterprise.pk, output=str(tmp_path / "x.zip"), by="nobody")


def test_anonymise_enterprise_needs_yes(records, django_capture_on_commit_callbacks):
    with pytest.raises(CommandError, match="cannot be undone: add --yes"):
        call_command("anonymise_enterprise", records.enterprise.pk)
    assert Enterprise.objects.get(pk=records.enterprise.pk).name == NAME
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("anonymise_enterprise", records.enterprise.pk, yes=True, stdout=out)
    assert "anonymisée" in out.getvalue()
    assert OWNER not in database_text()

"""The Django admin is usable for every model: list with search and filters, add form, change form and
history page all answer, in French."""

import io
import uuid

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from rest_framework.authtoken.models import Token

from cases.models import CaseAttachment
from cases.services import case_queued_action
from hub.messaging.services import send_message
from tests.factories import CaseFactory, CaseNoteFactory, FollowUpFactory, PartnerFactory, VisitFactory
from visits.services import visit_add_photo

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.fixture
def records(hub, enterprise, referent, manager, sme_user, settings):
    settings.TASKS = {"default": settings.TASKS_BACKENDS["database"]}
    note = CaseNoteFactory(case__enterprise=enterprise, author=manager)
    send_message.enqueue(note.case_id)
    visit = VisitFactory(referent=referent, enterprise=enterprise)
    visit.cases.add(note.case)
    FollowUpFactory(case=None, enterprise=enterprise)
    PartnerFactory(hub=hub)
    hub.holidays.create(date="2026-09-22", name="Fête de l'indépendance")
    hub.targets.create(year=2026, indicator="visits", value=240)
    Group.objects.create(name="Gestionnaires")
    AccessAttempt.objects.create(username="awa", ip_address="203.0.113.7", failures_since_start=1)
    Token.objects.create(user=manager)
    CaseAttachment.objects.create(
        case=note.case,
        token=uuid.uuid4(),
        file=SimpleUploadedFile("devis.pdf", b"%PDF-1.4"),
        original_name="devis.pdf",
        content_type="application/pdf",
        size=8,
        uploaded_by=manager,
    )
    picture = io.BytesIO()
    Image.new("RGB", (40, 30)).save(picture, format="PNG")
    visit_add_photo(visit=visit, by=referent, upload=SimpleUploadedFile("p.png", picture.getvalue()))
    worked = CaseFactory(enterprise=enterprise, assigned_to=referent, status="in_progress")
    case_queued_action(case=worked, by=referent, client_uuid=uuid.uuid4(), kind="note", version=1, body="Vu.")


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_admin_page_answers(client, admin_user, records, model):
    client.force_login(admin_user)
    info = (model._meta.app_label, model._meta.model_name)
    changelist = client.get(reverse("admin:{}_{}_changelist".format(*info)), {"q": "a"})
    assert changelist.status_code == 200
    add = client.get(reverse("admin:{}_{}_add".format(*info)))
    assert add.status_code == (200 if admin.site._registry[model].has_add_permission(add.wsgi_request) else 403)
    obj = model._default_manager.first()
    assert obj is not None, f"no {model._meta.label} to open"
    assert client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk])).status_code == 200
    if hasattr(model, "history"):
        history = client.get(reverse("admin:{}_{}_history".format(*info), args=[obj.pk]))
        assert history.status_code == 200


def test_admin_is_in_french(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Administration HUB IIT" in page or "administration HUB IIT" in page.lower()
    assert "Demandes d’appui" in page


def test_only_administrators_enter_the_admin(client, manager):
    client.force_login(manager)
    assert client.get(reverse("admin:index")).status_code == 302

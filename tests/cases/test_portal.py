"""The SME submits a request from the portal and follows it."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Case, CaseAttachment, CaseNote
from tests.factories import CaseFactory, CaseNoteFactory, EnterpriseFactory

NEW = "/portal/requests/new/"


def pdf(name: str = "devis.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 devis", content_type="application/pdf")


@pytest.fixture
def sme(client, sme_user):
    client.force_login(sme_user)
    return client


def test_a_request_with_attachments_gets_a_reference(sme, enterprise):
    response = sme.post(
        NEW,
        {
            "domain": "agro",
            "title": "Presse à karité",
            "description": "Notre presse manuelle est lente.",
            "attachments": [pdf(), pdf("plan.pdf")],
        },
        follow=True,
    )
    case = Case.objects.get()
    assert case.enterprise == enterprise
    assert case.channel == "portal"
    assert case.reference in response.content.decode()
    assert "a bien été reçue" in response.content.decode()
    assert sorted(CaseAttachment.objects.values_list("original_name", flat=True)) == ["devis.pdf", "plan.pdf"]


def test_missing_fields_are_explained_in_french_and_nothing_is_saved(sme):
    response = sme.post(NEW, {"domain": "agro", "title": "", "description": ""})
    assert response.status_code == 200
    assert response.content.decode().count("Ce champ est obligatoire.") == 2
    assert not Case.objects.exists()


def test_a_file_that_is_not_what_it_says_is_refused_and_the_request_not_saved(sme):
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 executable", content_type="image/jpeg")
    response = sme.post(NEW, {"domain": "agro", "title": "x", "description": "y", "attachments": [fake]})
    assert "Seuls les documents PDF" in response.content.decode()
    assert not Case.objects.exists()
    assert not CaseAttachment.objects.exists()


def test_at_most_five_attachments(sme):
    files = [pdf(f"f{index}.pdf") for index in range(6)]
    response = sme.post(NEW, {"domain": "agro", "title": "x", "description": "y", "attachments": files})
    assert "au plus 5" in response.content.decode()
    assert not Case.objects.exists()


def test_the_sme_reads_messages_but_not_internal_notes(sme, enterprise, manager):
    case = CaseFactory(enterprise=enterprise)
    CaseNoteFactory(case=case, author=manager, visibility=CaseNote.Visibility.SME, body="Nous passons jeudi.")
    CaseNoteFactory(case=case, author=manager, visibility=CaseNote.Visibility.INTERNAL, body="Client difficile")
    page = sme.get(f"/portal/requests/{case.pk}/").content.decode()
    assert "Nous passons jeudi." in page
    assert "Client difficile" not in page


def test_another_enterprises_request_answers_like_a_missing_one(sme, hub):
    neighbour = CaseFactory(enterprise=EnterpriseFactory(hub=hub))
    assert sme.get(f"/portal/requests/{neighbour.pk}/").status_code == 404
    assert sme.get("/portal/requests/999999/").status_code == 404


def test_staff_do_not_use_the_sme_form(client, manager):
    client.force_login(manager)
    assert client.get(NEW).status_code == 403


def test_the_request_form_chooses_no_domain_for_the_sme(sme):
    html = sme.get(NEW).content.decode()
    select = re.search(r'<select name="domain"[^>]*>(.*?)</select>', html, re.DOTALL)
    assert select is not None
    options = re.findall(r'<option value="([^"]*)"( selected)?>', select.group(1))
    assert options[0] == ("", " selected")
    assert [value for value, selected in options if selected] == [""]
    assert "required" in select.group(0)


def test_a_request_without_a_domain_is_refused_in_french_and_not_saved(sme):
    response = sme.post(NEW, {"domain": "", "title": "Presse à karité", "description": "Notre presse est lente."})
    assert response.status_code == 200
    assert "Choisissez le domaine technologique le plus proche de votre besoin." in response.content.decode()
    assert not Case.objects.exists()

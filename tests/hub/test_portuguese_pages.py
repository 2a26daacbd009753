"""A Guinea-Bissau hub works in Portuguese: the pages each role opens first show no English text left
untranslated."""

import html
import re

import pytest
from django.conf import settings

from cases.models import CaseStatus
from tests.factories import CaseFactory, FollowUpFactory, VisitFactory
from tests.hub.test_translations import catalogue, read_po

PAGES = {
    "manager": [
        "/manage/",
        "/manage/cases/",
        "/manage/cases/{case}/",
        "/manage/enterprises/",
        "/manage/reports/",
        "/manage/followups/",
    ],
    "referent": ["/m/", "/m/cases/{case}/", "/m/visits/new/", "/m/library/"],
    "sme_user": ["/portal/", "/portal/requests/{case}/", "/portal/requests/new/"],
}


def english_sentences() -> set[str]:
    """Source strings of three words or more, without placeholders, whose Portuguese differs from them:
    any of them on a Portuguese page is a string left untranslated."""
    sentences = set()
    for entry in read_po(catalogue("pt")):
        text = entry["msgid"]
        if "%" in text or "{" in text or "<" in text or len(text.split()) < 3:
            continue
        if entry.get("msgstr") != text:
            sentences.add(text)
    return sentences


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.fixture
def hub_work(enterprise, referent):
    case = CaseFactory(enterprise=enterprise, assigned_to=referent, status=CaseStatus.IN_PROGRESS)
    VisitFactory(enterprise=enterprise, referent=referent)
    FollowUpFactory(enterprise=enterprise, assigned_to=referent)
    return case


@pytest.mark.parametrize("role", sorted(PAGES))
def test_the_first_pages_of_each_role_are_wholly_in_portuguese(client, request, hub_work, role):
    client.force_login(request.getfixturevalue(role))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pt"
    sentences = english_sentences()
    assert len(sentences) > 300
    for path in PAGES[role]:
        path = path.format(case=hub_work.pk)
        response = client.get(path)
        assert response.status_code == 200, path
        text = visible_text(response.content.decode())
        assert 'lang="pt"' in response.content.decode(), path
        left = sorted(sentence for sentence in sentences if sentence in text)
        assert left == [], (path, left)

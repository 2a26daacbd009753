"""The page of the text messages received: each manager reads their hub's only, those to read first filtered,
marks one as read; referents, SME users and viewers are refused."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from hub.models import InboundMessage
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db
O = InboundMessage.Outcome  # noqa: E741 - the outcomes
LIST = "/manage/messages/inbox/"
_ids = iter(range(1, 10_000))


def fr(msgid: str) -> str:
    """The French text of one of our messages (the English msgid until the catalogue is compiled)."""
    with translation.override("fr"):
        return translation.gettext(msgid)


def page_of(response) -> str:
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


def received(hub, text: str, *, outcome: str = O.TRIAGE, minutes_ago: int = 0, **fields) -> InboundMessage:
    message = InboundMessage.objects.create(
        hub=hub,
        gateway="default",
        gateway_id=f"in-{next(_ids)}",
        sender="+22370000001",
        text=text,
        outcome=outcome,
        **fields,
    )
    InboundMessage.objects.filter(pk=message.pk).update(
        received_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    return message


@pytest.fixture
def ours(hub):
    return received(hub, "Bonjour, quand passe le référent ?", minutes_ago=5)


@pytest.fixture
def theirs(other_hub):
    return received(other_hub, "Message du second nœud")


@pytest.fixture
def unknown():
    return received(None, "Numéro inconnu au programme")


class TestWhoReadsThem:
    @pytest.mark.parametrize("fixture", ["referent", "sme_user", "viewer"])
    def test_referents_smes_and_viewers_are_refused(self, client, request, ours, fixture):
        client.force_login(request.getfixturevalue(fixture))

        assert client.get(LIST).status_code == 403
        assert client.post(f"{LIST}{ours.pk}/read/").status_code == 403
        ours.refresh_from_db()
        assert ours.outcome == O.TRIAGE

    def test_anonymous_visitors_are_sent_to_sign_in(self, client, ours):
        for response in (client.get(LIST), client.post(f"{LIST}{ours.pk}/read/")):
            assert response.status_code == 302 and response["Location"].startswith("/login/")

    def test_a_manager_reads_their_hubs_messages_only(self, as_manager, ours, theirs, unknown):
        response = as_manager.get(LIST)

        assert response.status_code == 200
        assert list(response.context["page"]) == [ours]
        assert "Bonjour, quand passe le référent ?" in page_of(response)
        assert "Message du second nœud" not in page_of(response)
        assert "Numéro inconnu" not in page_of(response)

    def test_an_administrator_reads_every_hubs_and_the_unknown_numbers_newest_first(
        self, client, admin_user, ours, theirs, unknown
    ):
        client.force_login(admin_user)

        assert list(client.get(LIST).context["page"]) == [unknown, theirs, ours]

    def test_another_hubs_message_is_not_found(self, as_manager, theirs, unknown):
        for message in (theirs, unknown):
            assert as_manager.post(f"{LIST}{message.pk}/read/").status_code == 404
            message.refresh_from_db()
            assert (message.outcome, message.read_by) == (O.TRIAGE, None)


class TestTheList:
    def test_newest_first_and_those_to_read_filtered(self, as_manager, hub, ours):
        rated = received(hub, "4", outcome=O.RATING, minutes_ago=1)
        newest = received(hub, "Merci !")

        assert list(as_manager.get(LIST).context["page"]) == [newest, rated, ours]
        response = as_manager.get(f"{LIST}?show=to_read")
        assert list(response.context["page"]) == [newest, ours]
        assert response.context["to_read_count"] == 2

    def test_it_links_to_the_enterprise_and_the_case(self, as_manager, hub, enterprise):
        case = CaseFactory(enterprise=enterprise)
        received(hub, "Réponse", outcome=O.NOTE, enterprise=enterprise, case=case)

        page = page_of(as_manager.get(LIST))

        assert f'href="/manage/enterprises/{enterprise.pk}/"' in page
        assert f'href="/manage/cases/{case.pk}/">{case.reference}</a>' in page
        assert enterprise.name in page

    def test_in_french(self, as_manager, ours):
        page = page_of(as_manager.get(LIST, HTTP_ACCEPT_LANGUAGE="fr"))

        assert '<html lang="fr"' in page
        for msgid in ("Text messages received", "Mark as read", "What became of it", "To read"):
            assert fr(msgid) in page

    def test_its_queries_do_not_grow_with_the_messages(self, as_manager, manager, hub, enterprise):
        case = CaseFactory(enterprise=enterprise)
        received(hub, "Un", enterprise=enterprise, case=case)
        with CaptureQueriesContext(connection) as one:
            as_manager.get(LIST)
        for text in ("Deux", "Trois", "Quatre"):
            received(hub, text, enterprise=enterprise, case=case, outcome=O.READ, read_by=manager)
        with CaptureQueriesContext(connection) as four:
            as_manager.get(LIST)

        assert len(four) == len(one)


class TestMarkingRead:
    def test_a_manager_marks_a_message_read(self, as_manager, manager, ours):
        response = as_manager.post(f"{LIST}{ours.pk}/read/", {"show": "to_read"})

        assert response.status_code == 302 and response["Location"] == f"{LIST}?show=to_read"
        ours.refresh_from_db()
        assert (ours.outcome, ours.read_by) == (O.READ, manager)
        page = as_manager.get(response["Location"])
        assert list(page.context["page"]) == []
        assert fr("The message is marked as read.") in page_of(page)
        everything = page_of(as_manager.get(LIST))
        assert manager.get_full_name() in everything
        assert f'action="{LIST}{ours.pk}/read/"' not in everything

    def test_only_a_message_to_read_is_marked(self, as_manager, hub, manager):
        note = received(hub, "Réponse", outcome=O.NOTE)

        response = as_manager.post(f"{LIST}{note.pk}/read/", follow=True)

        note.refresh_from_db()
        assert (note.outcome, note.read_by) == (O.NOTE, None)
        assert fr("Only a message to read can be marked as read.") in page_of(response)

    def test_it_is_a_post(self, as_manager, ours):
        assert as_manager.get(f"{LIST}{ours.pk}/read/").status_code == 405

    def test_an_administrator_marks_a_message_from_an_unknown_number_read(self, client, admin_user, unknown):
        client.force_login(admin_user)

        assert client.post(f"{LIST}{unknown.pk}/read/").status_code == 302
        unknown.refresh_from_db()
        assert (unknown.outcome, unknown.read_by) == (O.READ, admin_user)

"""Form text that is not UTF-8 is refused on the pages, before any view saves it as "�"."""

from hub.messaging.gateways import locmem as sms

SIGNUP = "/accounts/signup/"


def test_a_page_form_with_text_that_is_not_utf8_is_refused_in_french_and_nothing_happens(client, hub):
    sms.outbox.clear()
    body = b"owner_name=Fatoumata%20Kon%E9&phone=76123456&password1=karite-en-or-2026&password2=karite-en-or-2026"
    response = client.post(SIGNUP, data=body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    page = response.content.decode()
    assert "Le formulaire n’a pas pu être lu" in page
    assert "ne sont pas du texte valide (UTF-8) : rien n’a été enregistré" in page
    assert "sign_up" not in client.session
    assert sms.outbox == []


def test_the_same_form_in_utf8_is_read(client, hub):
    body = b"owner_name=Fatoumata%20Kon%C3%A9"
    response = client.post(SIGNUP, data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert response.context["form"].data["owner_name"] == "Fatoumata Koné"

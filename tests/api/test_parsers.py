"""Bodies the API cannot read are a 400 with a French sentence, never a 500 or a parser's internals, and
nothing is stored."""

import pytest

from visits.models import Visit

VISITS = "/api/v1/visits/"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[" * 5000 + "]" * 5000, "Le corps de la requête est imbriqué trop profondément."),
        (b"\xff\xfe{}", "Le corps de la requête n’est pas du JSON valide écrit en UTF-8."),
        ('{"enterprise": ', "Le corps de la requête n’est pas du JSON valide écrit en UTF-8."),
        ("null", "Le corps de la requête doit être un objet JSON."),
        ('"visite"', "Le corps de la requête doit être un objet JSON."),
        ("42", "Le corps de la requête doit être un objet JSON."),
        ('[{"enterprise": 1}]', "Le corps de la requête doit être un objet JSON."),
    ],
    ids=["nested-5000", "not-utf8", "cut-short", "null", "string", "number", "list"],
)
def test_an_unreadable_body_is_a_400_in_french(api, referent, body, message):
    response = api(referent).post(VISITS, data=body, content_type="application/json")
    assert (response.status_code, response.json()) == (400, {"detail": message})
    assert Visit.objects.count() == 0


def test_a_form_encoded_body_is_still_read(api, db):
    response = api().post("/api/v1/auth/token/", {"username": "nobody", "password": "wrong"})
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_a_broken_multipart_body_is_a_400_in_french(api, referent):
    response = api(referent).post(
        VISITS, data=b"--nothing\r\n", content_type="multipart/form-data; boundary=", HTTP_ACCEPT="application/json"
    )
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "Le corps de la requête n’est pas un formulaire multipart valide (fichiers et champs)."},
    )


UNDECODABLE = (
    "Le formulaire contient des caractères qui ne sont pas du texte valide (UTF-8) : rien n’a été enregistré. "
    "Saisissez le texte à nouveau, ou copiez-le depuis une autre application."
)


def test_form_encoded_text_that_is_not_utf8_is_a_400_in_french(api, db):
    response = api().post(
        "/api/v1/auth/token/",
        data=b"username=Fatoumata%FFKon%E9&password=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert (response.status_code, response.json()) == (400, {"detail": UNDECODABLE})


def test_multipart_text_that_is_not_utf8_is_a_400_in_french_and_nothing_is_stored(api, referent):
    body = b'--frontier\r\nContent-Disposition: form-data; name="notes"\r\n\r\nSavon \xe9pur\xe9\r\n--frontier--\r\n'
    response = api(referent).post(
        VISITS, data=body, content_type="multipart/form-data; boundary=frontier", HTTP_ACCEPT="application/json"
    )
    assert (response.status_code, response.json()) == (400, {"detail": UNDECODABLE})
    assert Visit.objects.count() == 0

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

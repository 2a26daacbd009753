"""The site's icon: named by every page and answered at /favicon.ico, so no page logs a 404 for it (the
browser test fetches it from the live server)."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static


@pytest.mark.parametrize("user_fixture", [None, "referent", "manager"])
def test_favicon_ico_leads_to_the_icon(client, request, user_fixture):
    if user_fixture:
        client.force_login(request.getfixturevalue(user_fixture))
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("hub/favicon.svg")
    assert Path(finders.find("hub/favicon.svg")).read_text().startswith("<svg ")


def test_every_page_names_the_icon(client, referent):
    icon = f'<link rel="icon" href="{static("hub/favicon.svg")}"'
    assert icon in client.get("/login/").content.decode()
    client.force_login(referent)
    for path in ["/m/", "/m/nothing-here/", "/portal/"]:
        assert icon in client.get(path).content.decode(), path

"""The mobile pages' settings block: letters as they are, nothing that could end the script element."""

import json
import re

from visits.templatetags.mobile import app_config


def test_the_settings_keep_their_letters_and_can_never_close_the_script():
    html = app_config({"text": {"saved": "Visite enregistrée", "evil": "</script><script>alert(1)</script> & co"}})

    body = re.fullmatch(r'<script id="app-config" type="application/json">(.*)</script>', html, re.DOTALL).group(1)
    assert "enregistrée" in body and "\\u00e9" not in body
    assert "<" not in body and ">" not in body and "&" not in body
    assert json.loads(body)["text"]["evil"] == "</script><script>alert(1)</script> & co"

"""The QR code that configures ODK Collect (docs.getodk.org/collect-import-export): its settings as JSON
with "general", "admin" and "project" objects, compressed with zlib and encoded in base64. Collect resets
every setting the code leaves out to its default."""

import base64
import json
import zlib

import segno

from hub.models import User

BRAND_COLOUR = "#0b5d3b"
"""The site's --brand (hub/static/hub/site.css): Collect shows the project in it."""


def collect_settings(*, server_url: str, user: User, password: str) -> dict:
    """The referent's project: the server's /openrosa/app/ address with the referent's user name and key as
    password (HTTP Digest: the key never travels), forms kept exactly as the server lists them (a new
    version replaces the old), finalized visits sent as soon as any network allows, Collect in the
    referent's language."""
    return {
        "general": {
            "server_url": server_url,
            "username": user.get_username(),
            "password": password,
            "form_update_mode": "match_exactly",
            "autosend": "wifi_and_cellular",
            "app_language": user.language,
            "metadata_username": user.get_username(),
        },
        "admin": {},
        "project": {"name": user.hub.name if user.hub_id else "HUB IIT", "icon": "H", "color": BRAND_COLOUR},
    }


def settings_payload(settings: dict) -> str:
    return base64.b64encode(zlib.compress(json.dumps(settings).encode())).decode()


def settings_qr_svg(payload: str) -> str:
    """An inline SVG without a size of its own: it takes the width of its box."""
    return segno.make(payload, micro=False).svg_inline(scale=1, border=4, omitsize=True, light="#fff")

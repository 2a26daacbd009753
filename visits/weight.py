"""What a page of the mobile app costs a phone on its first load: the page, the files it links to, the service
worker and the copy its script fetches before the page is usable, each as the server sends it compressed to
Chrome: pages as Django compresses them (Brotli under /m/), static files as whitenoise serves them (minified,
then the Brotli copy that collectstatic writes, which browsers ask for over HTTPS). What the page asks once it
is usable (the copy of the referent's day) is listed apart, never added to the first load; so is the manifest
(/m/manifest.webmanifest, about 200 bytes), asked by the browser once the page has loaded, but not here."""

import gzip
import re
from dataclasses import dataclass
from pathlib import Path

import brotli
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from whitenoise.compress import Compressor

from hub.models import User
from hub.static_storage import served_content

BUDGET_BYTES = 14 * 1024
DAY_BUDGET_BYTES = 200 * 1024
"""The copy of the referent's day (/m/day.json), uncompressed, as the phone keeps it."""
CHROME_ACCEPTS = "gzip, deflate, br, zstd"
DECODERS = {"gzip": gzip.decompress, "br": brotli.decompress}
LINKED = re.compile(rb'(?:src|href)="([^"]+)"')


@dataclass(frozen=True)
class Resource:
    url: str
    raw_bytes: int
    compressed_bytes: int
    after_load: bool = False
    """Asked once the page is usable: listed, not counted in the first load."""


def first_load_bytes(resources: list[Resource]) -> int:
    return sum(resource.compressed_bytes for resource in resources if not resource.after_load)


def _static(url: str) -> bytes:
    name = url.removeprefix(settings.STATIC_URL)
    return served_content(name, Path(finders.find(name)).read_bytes())


def served_static_bytes(content: bytes) -> int:
    """The bytes whitenoise sends for a static file to a browser that accepts Brotli."""
    return len(Compressor.compress_brotli(content))


def _host() -> str:
    return next((host for host in settings.ALLOWED_HOSTS if host[0] not in ".*"), "localhost")


PAGE_COPIES = {
    "visits:visit-new": "visits:directory",
    "visits:followup-shell": "visits:followups-copy",
    "visits:mobile-home": "visits:followups-copy",
    "visits:case": None,
    "visits:case-shell": None,
}
"""The copy each page's script fetches before the page is usable: the visit form the directory, the follow-up
form and /m/ the follow-ups due (followup.js); a case's page none (the server fills it), nor its offline shell
(day.js fills it from the copy kept on the phone). "visits:case" needs the case's `pk`."""

AFTER_LOAD_COPIES = {"visits:mobile-home": "visits:day", "visits:case": "visits:day"}
"""The copy day.js asks once the page is usable: on /m/ after the follow-ups' copy, on a case's page while
the page already works from what the server put in it."""


def first_load_weight(*, user: User, page: str, pk: int | None = None) -> list[Resource]:
    """The page named `page` (a key of PAGE_COPIES; `pk` for a case's page), the files it links to, the service
    worker and the copy its script fetches first; then, marked `after_load`, the copy asked once the page is
    usable (hub.devtools.bench sums a visit form's, which has none). Precondition: `user` is a referent.
    Fetches the pages through Django's test client as that user; raises RuntimeError if one does not answer
    200."""
    client = Client(HTTP_HOST=_host())
    client.force_login(user)
    resources = []

    def fetch(url: str, *, after_load: bool = False) -> bytes:
        response = client.get(url, HTTP_ACCEPT_ENCODING=CHROME_ACCEPTS)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        body = response.content
        raw = DECODERS.get(response.get("Content-Encoding"), bytes)(body)
        resources.append(Resource(url, len(raw), len(body), after_load))
        return raw

    html = fetch(reverse(page, args=None if pk is None else [pk]))
    for url in dict.fromkeys(match.decode() for match in LINKED.findall(html)):
        if url.startswith(settings.STATIC_URL):
            content = _static(url)
            resources.append(Resource(url, len(content), served_static_bytes(content)))
    fetch(reverse("visits:service-worker"))
    if PAGE_COPIES[page]:
        fetch(reverse(PAGE_COPIES[page]))
    if page in AFTER_LOAD_COPIES:
        fetch(reverse(AFTER_LOAD_COPIES[page]), after_load=True)
    return resources

"""What a page of the mobile app (the visit form, the follow-up form) costs a phone on its first load: the
page, the files it links to, the service worker and the copy its script fetches, each as the server sends it
compressed to Chrome: pages as Django compresses them (Brotli under /m/), static files as whitenoise serves
them (minified, then the Brotli copy that collectstatic writes, which browsers ask for over HTTPS)."""

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
CHROME_ACCEPTS = "gzip, deflate, br, zstd"
DECODERS = {"gzip": gzip.decompress, "br": brotli.decompress}
LINKED = re.compile(rb'(?:src|href)="([^"]+)"')


@dataclass(frozen=True)
class Resource:
    url: str
    raw_bytes: int
    compressed_bytes: int


def _static(url: str) -> bytes:
    name = url.removeprefix(settings.STATIC_URL)
    return served_content(name, Path(finders.find(name)).read_bytes())


def served_static_bytes(content: bytes) -> int:
    """The bytes whitenoise sends for a static file to a browser that accepts Brotli."""
    return len(Compressor.compress_brotli(content))


def _host() -> str:
    return next((host for host in settings.ALLOWED_HOSTS if host[0] not in ".*"), "localhost")


PAGE_COPIES = {"visits:visit-new": "visits:directory", "visits:followup-shell": "visits:followups-copy"}
"""The copy each page's script fetches on its first load: the visit form the directory, the follow-up
form the follow-ups due."""


def first_load_weight(*, user: User, page: str) -> list[Resource]:
    """The page named `page` (a key of PAGE_COPIES), the files it links to, the service worker and the copy
    its script fetches. Precondition: `user` is a referent. Fetches the pages through Django's test client
    as that user."""
    client = Client(HTTP_HOST=_host())
    client.force_login(user)
    resources = []

    def fetch(url: str) -> bytes:
        response = client.get(url, HTTP_ACCEPT_ENCODING=CHROME_ACCEPTS)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        body = response.content
        raw = DECODERS.get(response.get("Content-Encoding"), bytes)(body)
        resources.append(Resource(url, len(raw), len(body)))
        return raw

    html = fetch(reverse(page))
    for url in dict.fromkeys(match.decode() for match in LINKED.findall(html)):
        if url.startswith(settings.STATIC_URL):
            content = _static(url)
            resources.append(Resource(url, len(content), served_static_bytes(content)))
    fetch(reverse("visits:service-worker"))
    fetch(reverse(PAGE_COPIES[page]))
    return resources

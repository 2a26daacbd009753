"""The running site does not import the development and demo tooling (`hub.devtools`)."""

import os
import subprocess  # nosec B404 - the interpreter running the tests, with fixed arguments
import sys

from django.conf import settings

SITE = """
import sys
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

get_wsgi_application()
get_resolver().url_patterns
print(sorted(name for name in sys.modules if name.startswith("hub.devtools")))
"""


def test_the_site_loads_its_application_and_urls_without_hub_devtools():
    """In a process of its own: the tests' process has imported the tooling already."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hub.settings.test"}
    completed = subprocess.run(  # noqa: S603  # nosec B603
        [sys.executable, "-c", SITE], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert completed.stdout.strip() == "[]"

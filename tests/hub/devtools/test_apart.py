"""The running site does not import the development and demo tooling (`hub.devtools`), nor does any
management command but the tooling's own entry points (`bench`, `generate_data`, `build_demo_fixture`)."""

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


COMMANDS = """
import sys
import django
from django.core.management import get_commands, load_command_class

django.setup()
tooling = {TOOLING}
for name, app in sorted(get_commands().items()):
    if name not in tooling:
        load_command_class(app, name)
print(sorted(name for name in sys.modules if name.startswith("hub.devtools")))
"""
TOOLING = {"bench", "generate_data", "build_demo_fixture"}
"""The commands that are the tooling's entry points: the only ones that import it."""


def devtools_imported(script: str) -> str:
    """In a process of its own (the tests' process has imported the tooling already): the `hub.devtools`
    modules `script` leaves imported, as it prints them."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hub.settings.test"}
    completed = subprocess.run(  # noqa: S603  # nosec B603
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed.stdout.strip()


def test_the_site_loads_its_application_and_urls_without_hub_devtools():
    assert devtools_imported(SITE) == "[]"


def test_the_other_management_commands_load_without_hub_devtools():
    """The cron jobs, the worker, backups, imports, `report`, `ensure_demo_data` (which `make run` runs): every
    command of the project and of the libraries but the tooling's own."""
    assert devtools_imported(COMMANDS.replace("{TOOLING}", repr(sorted(TOOLING)))) == "[]"
    script = COMMANDS.replace("{TOOLING}", "set()")
    assert "hub.devtools" in devtools_imported(script)  # the check can fail: the tooling's commands do import it

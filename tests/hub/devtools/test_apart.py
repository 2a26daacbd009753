"""The running site does not import the development and demo tooling (`hub.devtools`), nor does loading
any management command: the tooling's own entry points (`bench`, `generate_data`, `build_demo_fixture`) import
it when they run."""

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
for name, app in sorted(get_commands().items()):
    command = load_command_class(app, name)
    if name in {ASKED}:
        command.create_parser("manage.py", name)
print(sorted(name for name in sys.modules if name.startswith("hub.devtools")))
"""
TOOLING = ("bench", "build_demo_fixture", "generate_data")
"""The commands that are the tooling's entry points: they import it when they run, not when they load."""


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


def test_the_management_commands_load_without_hub_devtools():
    """Every command of the project and of the libraries, the tooling's own included: the cron jobs, the
    worker, `report`, `ensure_demo_data` (which `make run` runs) never import it, and `bench`,
    `generate_data` and `build_demo_fixture` only once they run (or are asked for their options)."""
    assert devtools_imported(COMMANDS.replace("{ASKED}", "set()")) == "[]"
    asked = devtools_imported(COMMANDS.replace("{ASKED}", repr(set(TOOLING))))
    assert "hub.devtools.bench.driver" in asked and "hub.devtools.datagen" in asked  # the check can fail

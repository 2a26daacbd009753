"""Headless Debian Chromium driven by Playwright against pytest-django's live server, at phone width."""

import os
import tempfile
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", Path(tempfile.gettempdir()) / "hubiit-screenshots"))

# Playwright's sync API runs an event loop in this thread; the live server's database work is synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class RequestsInFlight:
    """Counts the requests the live server is handling, so that a test ends only once the last one (a page the
    service worker was caching when the test closed its browser) has left the database, which the teardown
    then empties: a request still reading it would break that flush, and the next test would find its rows."""

    def __init__(self, server):
        self.count = 0
        self.idle = threading.Condition()
        handle = server.process_request_thread

        def counted(request, client_address):
            with self.idle:
                self.count += 1
            try:
                handle(request, client_address)
            finally:
                with self.idle:
                    self.count -= 1
                    self.idle.notify_all()

        server.process_request_thread = counted

    def wait(self, timeout: float = 10) -> None:
        with self.idle:
            assert self.idle.wait_for(lambda: self.count == 0, timeout), "the live server is still answering"


def settle(live_server) -> None:
    """Wait until the live server has answered every request the closed browser left it (`RequestsInFlight`)."""
    server = live_server.thread.httpd
    in_flight = server.__dict__.get("in_flight") or server.__dict__.setdefault("in_flight", RequestsInFlight(server))
    in_flight.wait()


@pytest.fixture
def phone(chromium, live_server):
    """A fresh phone-sized page; fails the test on any request to another host."""
    settle(live_server)
    context = chromium.new_context(viewport=PHONE, locale="en-US")
    page = context.new_page()
    foreign = []
    page.on("request", lambda request: None if request.url.startswith(live_server.url) else foreign.append(request.url))
    yield page
    context.close()
    settle(live_server)
    assert foreign == [], f"requests to other hosts: {foreign}"


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path

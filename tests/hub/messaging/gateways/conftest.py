"""The gateways' tests talk to fake providers on 127.0.0.1 only: a local HTTP server started by the test,
and a guard that fails any connection or name lookup elsewhere."""

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

LOCAL = "127.0.0.1"


@pytest.fixture(autouse=True)
def _local_network_only(monkeypatch):
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    connect, getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def local_connect(sock, address):
        if isinstance(address, tuple) and address[0] != LOCAL:
            raise AssertionError(f"A test tried to connect to {address[0]}.")
        return connect(sock, address)

    def local_getaddrinfo(host, *args, **kwargs):
        if host not in (LOCAL, "localhost"):
            raise AssertionError(f"A test tried to look up {host}.")
        return getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", local_connect)
    monkeypatch.setattr(socket, "getaddrinfo", local_getaddrinfo)


@dataclass
class Received:
    method: str
    path: str
    query: dict
    headers: dict
    body: bytes

    @property
    def form(self) -> dict:
        return {key: values[0] for key, values in parse_qs(self.body.decode(), keep_blank_values=True).items()}

    def json(self):
        return json.loads(self.body)


@dataclass
class FakeProvider:
    """Answers each request with `answer(received) -> (status, body, headers)` and records the requests."""

    url: str = ""
    received: list[Received] = field(default_factory=list)
    answer: object = None


@pytest.fixture
def provider():
    fake = FakeProvider()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self):
            length = int(self.headers.get("Content-Length") or 0)
            parts = urlsplit(self.path)
            received = Received(
                method=self.command,
                path=parts.path,
                query={key: values[0] for key, values in parse_qs(parts.query, keep_blank_values=True).items()},
                headers={key.lower(): value for key, value in self.headers.items()},
                body=self.rfile.read(length) if length else b"",
            )
            fake.received.append(received)
            status, body, headers = fake.answer(received)
            if isinstance(body, dict | list):
                body = json.dumps(body)
                headers = {"Content-Type": "application/json", **headers}
            payload = body.encode() if isinstance(body, str) else body
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (the timeout tests)

        do_GET = do_POST = _handle

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer((LOCAL, 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    fake.url = f"http://{LOCAL}:{server.server_port}"
    yield fake
    server.shutdown()
    server.server_close()
    thread.join(timeout=2)

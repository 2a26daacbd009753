"""Text messages. `send_sms` hands each message to the backend class named by `settings.SMS_BACKEND`.

To plug a gateway, write a class whose instances have `send_messages(messages) -> int` (see
`SmsBackend`), raise on failure, and name it in DJANGO_SMS_BACKEND; docs/NOTIFICATIONS.md has an example.
"""

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TextIO

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SmsMessage:
    to: str
    """The phone number in E.164 form, e.g. +22376123456."""
    body: str


class SmsBackend(Protocol):
    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        """Send `messages` and return how many were accepted; raise when the gateway fails."""


class ConsoleBackend:
    """Development: writes each message to standard output instead of sending it."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stdout

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        for message in messages:
            self.stream.write(f"SMS to {message.to}\n{message.body}\n{'-' * 40}\n")
        self.stream.flush()
        return len(messages)


outbox: list[SmsMessage] = []
"""What `LocmemBackend` sent, for tests to read and empty."""


class LocmemBackend:
    """Tests: keeps the messages in `hub.sms.outbox`."""

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


def get_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(to: str, body: str) -> None:
    """Send one text message now; errors of the backend reach the caller."""
    get_backend().send_messages([SmsMessage(to=to, body=body)])

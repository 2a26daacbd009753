"""Tests: keeps the messages in `outbox`; a test may make the next sends fail through `failures`."""

import itertools

from hub.messaging.gateways.base import Gateway, Sms

outbox: list[Sms] = []
"""What was sent, for tests to read and empty."""
failures: list[Exception] = []
"""Errors the next sends raise, in order, instead of sending."""
_ids = itertools.count(1)


class LocmemGateway(Gateway):
    def send(self, sms: Sms) -> str:
        if failures:
            raise failures.pop(0)
        outbox.append(sms)
        return f"locmem-{next(_ids)}"

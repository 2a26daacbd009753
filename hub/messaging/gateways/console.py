"""Development: prints each message instead of sending it."""

import itertools
import sys

from hub.messaging.gateways.base import Gateway, Sms

_ids = itertools.count(1)


class ConsoleGateway(Gateway):
    def send(self, sms: Sms) -> str:
        sys.stdout.write(f"SMS to {sms.to}\n{sms.body}\n{'-' * 40}\n")
        sys.stdout.flush()
        return f"console-{next(_ids)}"

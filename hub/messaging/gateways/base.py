"""What a text-message gateway does for the hub, and how one is chosen for a hub.

A gateway class is named by dotted path in `settings.SMS_GATEWAYS[alias]["BACKEND"]`; it is built with
its alias and its settings and must:
- `send(sms)`: hand one message to the provider and return the provider's id of it; raise
  `TemporaryFailure` when trying again later may work (network, timeout, 5xx, throttling) and
  `PermanentFailure` when it cannot (number refused, credit exhausted, bad credentials);
- `delivery_reports(request)`: read a delivery-report callback into `DeliveryReport`s;
- `inbound_messages(request)`: read an inbound-message callback into `InboundSms`es.
The callbacks' URLs carry the gateway's `CALLBACK_TOKEN`, checked before either is called; a gateway
whose provider signs its callbacks checks the signature too and raises `ForgedCallback`.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils.module_loading import import_string

DEFAULT_ALIAS = "default"


class GatewayError(Exception):
    """The provider did not take the message; the text is for the delivery log (no phone number in it)."""


class TemporaryFailure(GatewayError):
    pass


class PermanentFailure(GatewayError):
    pass


class ForgedCallback(Exception):
    """A callback that does not come from the provider."""


@dataclass(frozen=True)
class Sms:
    to: str
    """The phone number in E.164 form, e.g. +22376123456."""
    body: str
    sender: str = ""
    """The sender id the recipient sees (the hub's short code or name), when the provider allows one."""
    reference: str = ""
    """Our id of the message, for the providers that echo it in their delivery reports."""


@dataclass(frozen=True)
class DeliveryReport:
    gateway_id: str
    delivered: bool
    error: str = ""


@dataclass(frozen=True)
class InboundSms:
    sender: str
    text: str
    gateway_id: str = ""


@dataclass
class Gateway:
    """The base of the gateways: its alias and settings; the sender id and options read from them."""

    alias: str
    config: dict = field(default_factory=dict)

    @property
    def sender(self) -> str:
        return self.config.get("SENDER", "")

    @property
    def options(self) -> dict:
        return self.config.get("OPTIONS", {})

    def send(self, sms: Sms) -> str:
        raise NotImplementedError

    def delivery_reports(self, request: HttpRequest) -> list[DeliveryReport]:
        return []

    def inbound_messages(self, request: HttpRequest) -> list[InboundSms]:
        return []


def gateway_alias_for(hub_code: str | None) -> str:
    """The alias of the gateway whose HUBS list `hub_code`, else the default one."""
    for alias, config in settings.SMS_GATEWAYS.items():
        if hub_code and hub_code in config.get("HUBS", ()):
            return alias
    return DEFAULT_ALIAS


def get_gateway(alias: str) -> Gateway:
    try:
        config = settings.SMS_GATEWAYS[alias]
    except KeyError:
        raise ImproperlyConfigured(f"No text-message gateway {alias!r} in SMS_GATEWAYS.") from None
    return import_string(config["BACKEND"])(alias=alias, config=config)

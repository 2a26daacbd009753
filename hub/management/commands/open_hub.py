from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from hub.hubs.services import hub_open
from hub.models import AdministrativeUnit

PASSED = [
    "code",
    "name",
    "host_organisation",
    "time_zone",
    "language",
    "manager_name",
    "manager_phone",
    "manager_email",
]
"""The options handed to `hub_open` as they are."""


def described(error: ValidationError) -> str:
    """The refusal's messages, each after the option it is about (`manager_phone`: `--manager-phone`)."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    return " ".join(
        message if field == NON_FIELD_ERRORS else f"--{field.replace('_', '-')} : {message}"
        for field, messages in error.message_dict.items()
        for message in messages
    )


class Command(BaseCommand):
    help = (
        "Open a hub with its country's regions and public holidays, and invite its first manager: "
        'open_hub --country SN --code SN --name "HUB IIT Sénégal" --manager-phone "+221 77 123 45 67"'
    )

    def add_arguments(self, parser):
        parser.add_argument("--country", required=True, help="ISO 3166-1 code of the country, e.g. SN.")
        parser.add_argument("--code", required=True, help="The hub's code, used in case references, e.g. SN.")
        parser.add_argument("--name", required=True)
        parser.add_argument("--host-organisation", default="")
        parser.add_argument("--time-zone", default="", help="IANA name; the country's when left out.")
        parser.add_argument("--language", default="", help="fr, en or pt; the country's when left out.")
        parser.add_argument("--manager-name", default="")
        contact = parser.add_mutually_exclusive_group()
        contact.add_argument("--manager-phone", default="", help="The invitation is sent to it by text message.")
        contact.add_argument("--manager-email", default="", help="The invitation is sent to it by e-mail.")

    def handle(self, *, country, **options):
        with translation.override(settings.LANGUAGE_CODE):
            try:
                hub = hub_open(country=country.upper(), by=None, **{name: options[name] for name in PASSED})
            except ValidationError as error:
                raise CommandError(described(error)) from error
            summary = _("Hub %(code)s opened: %(units)d administrative units, %(holidays)d public holidays.") % {
                "code": hub.code,
                "units": AdministrativeUnit.objects.filter(country=hub.country).count(),
                "holidays": hub.holidays.count(),
            }
            if options["manager_phone"] or options["manager_email"]:
                summary += " " + _("Its manager is invited.")
        self.stdout.write(self.style.SUCCESS(summary))

from django.core.management.base import BaseCommand

from hub.messaging.gateways.smpp import receive_receipts


class Command(BaseCommand):
    help = (
        "Stay bound to the SMSC of an SMPP gateway and record its delivery receipts and the text messages "
        "phones send to the short code (docs/SMS_GATEWAYS.md). Run it as a service, one per SMPP gateway, "
        "restarted by its supervisor when the SMSC unbinds."
    )

    def add_arguments(self, parser):
        parser.add_argument("alias", help="The gateway's alias in DJANGO_SMS_GATEWAYS.")

    def handle(self, *, alias, **options):
        receive_receipts(alias)

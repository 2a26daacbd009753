import datetime
import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation
from django.utils.translation import gettext

from hub.models import Hub, Role, User
from hub.reports import exports, pdf
from hub.reports.programme import full_report
from hub.reports.selectors import BREAKDOWNS, ReportFilters, within_report_dates

FORMATS = ("pdf", "csv", "xlsx", "json")


class Command(BaseCommand):
    help = (
        "Write the programme report of a hub for a period, without a browser: "
        "report --hub ML --from 2026-01-01 --to 2026-12-31 --format pdf --output report.pdf"
    )

    def add_arguments(self, parser):
        parser.add_argument("--hub", help="Hub code; every hub when left out.")
        parser.add_argument("--from", dest="date_from", required=True, help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="date_to", required=True, help="Last day, YYYY-MM-DD.")
        parser.add_argument("--format", choices=FORMATS, default="pdf")
        parser.add_argument("--output", required=True, help="The file to write; - for standard output (not PDF/XLSX).")
        parser.add_argument("--by", choices=BREAKDOWNS, default="region", help="The breakdown of the activity.")
        parser.add_argument(
            "--aggregates-only",
            action="store_true",
            help="Leave out figures per referent and per enterprise, as regional viewers read them.",
        )
        parser.add_argument("--language", default="fr", choices=[code for code, _name in settings.LANGUAGES])

    def handle(self, *, hub, date_from, date_to, format, output, by, aggregates_only, language, **options):
        try:
            start, end = datetime.date.fromisoformat(date_from), datetime.date.fromisoformat(date_to)
        except ValueError as error:
            raise CommandError("--from and --to are dates written YYYY-MM-DD.") from error
        if start > end:
            raise CommandError("--to is before --from.")
        for day in (start, end):
            try:
                within_report_dates(day)
            except ValidationError as error:
                raise CommandError(error.messages[0]) from error
        if hub and not Hub.objects.filter(code=hub).exists():
            raise CommandError(f"No hub with the code {hub!r}.")
        reader = User.objects.filter(role=Role.VIEWER if aggregates_only else Role.ADMIN, is_active=True).first()
        if reader is None:
            raise CommandError(
                "The report is read as an active administrator (a regional viewer with --aggregates-only): "
                "create one first."
            )
        with translation.override(language):
            report = full_report(
                user=reader,
                filters=ReportFilters(date_from=start, date_to=end, hub=hub or None),
                by=by,
                enterprises=pdf.PDF_ENTERPRISES if format == "pdf" else None,
            )
            hub_name = Hub.objects.get(code=hub).name if hub else gettext("All hubs")
            content = {
                "pdf": lambda: pdf.report_pdf(report, hub_name=hub_name),
                "csv": lambda: exports.report_csv(report, hub_name=hub_name),
                "xlsx": lambda: exports.report_xlsx(report, hub_name=hub_name),
                "json": lambda: json.dumps(report, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode(),
            }[format]()
        if output == "-":
            if format in ("pdf", "xlsx"):
                raise CommandError("PDF and XLSX need a file: give --output a path.")
            self.stdout.write(content.decode("utf-8-sig"))
            return
        Path(output).write_bytes(content)
        self.stdout.write(f"{output}: {format.upper()}, {len(content)} bytes, {start} to {end}, hub {hub or 'all'}.")

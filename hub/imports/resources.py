"""The three kinds of import as django-import-export resources: their columns (a header in every language of
the site, whether it must be filled, the widget that reads it) and, line by line, the stored record the line
may duplicate and the service that stores it: `hub.services.enterprise_save`, `cases.imports.case_import`,
`visits.services.visit_record`. An imported record is written as any other of its kind.

A resource is made for one run over one file of one hub; its `lines` say, after the run, what became of each
line that is not blank."""

import datetime
import logging
import types
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models.fields import NOT_PROVIDED
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import RowResult

from cases.imports import References, case_import
from cases.models import Case, CaseStatus, Channel, Priority
from hub.calendar import HubCalendar
from hub.classifications import IsicSection, TechnologyDomain, TurnoverBand
from hub.imports.bulk import Bulk
from hub.imports.widgets import (
    Boolean,
    Choice,
    Coordinate,
    Date,
    DateTime,
    EnterpriseOf,
    Integer,
    PartnerOf,
    Phone,
    ReferentOf,
    Region,
    Text,
    cell_text,
    key,
    phone_of_country,
)
from hub.models import AdministrativeUnit, Enterprise, FollowUp, Hub, ImportBatch, Partner, User
from hub.services import enterprise_save
from visits.models import Purpose, Visit
from visits.services import VisitConflict, VisitInput, visit_record

logger = logging.getLogger(__name__)

Decision = ImportBatch.Decision
ACTIONS = {
    RowResult.IMPORT_TYPE_NEW: "create",
    RowResult.IMPORT_TYPE_UPDATE: "update",
    RowResult.IMPORT_TYPE_SKIP: "skip",
}
"""What became of a line, from django-import-export's row result; anything else is "refuse"."""
PROGRESS_EVERY = 100


def referents_read(widget: ReferentOf) -> set[User]:
    """The referents of the hub a ReferentOf column read."""
    return {user for found in widget.aliases.values() for user in found}


def label_of(model, name: str):
    return capfirst(model._meta.get_field(name).verbose_name)


class Column(fields.Field):
    """A column of a kind's file. `widget` is called with the hub to make the widget that reads the column
    (a widget class of `hub.imports.widgets`, or a partial of one). A `lookup` column only helps another
    one find its record (an enterprise's phone number in a file of visits) and is not stored."""

    def __init__(
        self,
        label,
        widget: Callable = Text,
        *,
        required: bool = False,
        help_text="",
        lookup: bool = False,
        default=NOT_PROVIDED,
    ):
        super().__init__(default=default)
        self.label, self.reader, self.required, self.help_text, self.lookup = label, widget, required, help_text, lookup

    def bind(self, name: str, hub: Hub) -> None:
        self.widget = self.reader(hub)
        self.attribute = None if self.lookup else name
        self.last: tuple[dict, object, ValueError | None] | None = None

    def clean(self, row, **kwargs):
        """The value of the line's cell; the line being read is kept, as its key columns are read twice."""
        if self.last is not None and self.last[0] is row:
            _row, value, error = self.last
            if error is not None:
                raise error
            return value
        try:
            value = super().clean(row, **kwargs)
            if self.required and value in (None, ""):
                raise ValueError(_("Required value missing."))
        except ValueError as error:
            self.last = (row, None, error)
            raise
        self.last = (row, value, None)
        return value

    def codes(self) -> list[tuple[str, str]]:
        """The codes the column takes (once bound), empty when it takes free values."""
        return self.widget.codes() if hasattr(self.widget, "codes") else []


@dataclass
class Duplicate:
    """The stored record a line matches, or an earlier line of the same file (`line`)."""

    record: int
    label: str
    why: str
    line: int | None = None


@dataclass
class Line:
    number: int
    label: str = ""
    blank: bool = False
    duplicate: Duplicate | None = None
    decision: str = ""
    action: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)
    """(column, message); the column is empty for a refusal of the whole line."""


def _messages(error: ValidationError) -> list[tuple[str, str]]:
    errors = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
    return [
        ("" if column == NON_FIELD_ERRORS else column, message)
        for column, messages in errors.items()
        for message in messages
    ]


def shown(value) -> str:
    if isinstance(value, datetime.datetime):
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return cell_text(value)


class RecordResource(resources.Resource):
    kind: str
    key_columns: tuple[str, ...]
    """The columns whose values make a line a duplicate of a record (`keys`)."""
    decisions = (Decision.SKIP, Decision.CREATE)
    """What a line matching a stored record may become."""
    page_lines: int
    """Lines a file checked or imported on the page may hold: what the kind's service stores within the
    servers' request timeout (60 s) on PostgreSQL, with a margin (docs/IMPORTS.md). The command has no limit."""

    class Meta:
        instance_loader_class = BaseInstanceLoader
        use_transactions = True
        skip_diff = True
        report_skipped = True

    def __init__(
        self,
        *,
        hub: Hub,
        by: User | None = None,
        token: uuid.UUID | None = None,
        on_duplicate: str = Decision.SKIP,
        decisions: dict[str, str] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ):
        super().__init__()
        self.hub, self.by, self.token = hub, by, token or uuid.uuid4()
        self.on_duplicate, self.line_decisions, self.progress = on_duplicate, decisions or {}, progress
        for name, column in self.fields.items():
            column.bind(name, hub)
        self.lines: list[Line] = []
        self.line = Line(0)
        self.known: dict[tuple, Duplicate] = {}
        self.total = 0

    @classmethod
    def columns(cls) -> dict[str, Column]:
        return dict(cls.fields)

    # Reading the file ----------------------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        self.total = len(dataset)
        self.bulk = Bulk()
        self.bulk.add(Hub, [self.hub])
        self.bulk.add(User, [self.by] if self.by else [])
        self.prepare(list(dataset.dict))
        self.report_progress(0)

    def prepare(self, rows: list[dict]) -> None:
        """Read what the lines will be checked against, once for the file (`known`: the stored records), and
        tell the records' services what was read (`bulk`)."""

    def before_import_row(self, row, **kwargs):
        self.line = Line(kwargs["row_number"] + 1, blank=not any(cell_text(value) for value in row.values()))
        if not self.line.blank:
            self.line.label = self.label(row)

    def label(self, row) -> str:
        raise NotImplementedError

    # Duplicates ------------------------------------------------------------------------------------------

    def keys(self, values: dict) -> list[tuple]:
        """The keys under which a record with these values is a duplicate, the strongest first: ("why", ...)."""
        raise NotImplementedError

    def key_values(self, row) -> dict | None:
        """The values `keys` reads, from a line's cells; None when they cannot be read (the line is refused)."""
        raise NotImplementedError

    def remember(self, values: dict, *, record: int, label: str, line: int | None = None) -> None:
        for found_key in self.keys(values):
            self.known.setdefault(found_key, Duplicate(record=record, label=label, why=found_key[0], line=line))

    def get_or_init_instance(self, instance_loader, row):
        """A line matching a stored record, or an earlier line, is decided on; a line repeating an earlier one
        under every key is refused (a copy in the file)."""
        line = self.line
        keys = [] if line.blank else self.keys(self.key_values(row) or {})
        matches = [self.known[found_key] for found_key in keys if found_key in self.known]
        earlier = {match.line for match in matches}
        if keys and len(matches) == len(keys) and len(earlier) == 1 and None not in earlier:
            raise ValidationError(_("Duplicate of line %(line)d of this file.") % {"line": matches[0].line})
        line.duplicate = matches[0] if matches else None
        if line.duplicate is not None:
            decision = self.line_decisions.get(str(line.number), self.on_duplicate)
            line.decision = decision if decision in self.decisions else Decision.SKIP
            if line.decision == Decision.UPDATE:
                return self.stored(line.duplicate.record), False
        return self.init_instance(row), True

    def stored(self, pk: int):
        raise NotImplementedError

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return self.line.blank or self.line.decision == Decision.SKIP

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        """An update keeps the stored value where the line's cell is empty."""
        if self.line.decision == Decision.UPDATE and cell_text(row.get(field.column_name)) == "":
            return
        super().import_field(field, instance, row, is_m2m, **kwargs)

    # Storing ---------------------------------------------------------------------------------------------

    def save_instance(self, instance, is_create, row, **kwargs):
        mark = self.bulk.history_mark()
        try:
            record = self.store(instance, row)
        except (PermissionDenied, VisitConflict) as error:
            self.bulk.drop_history(mark)
            raise ValidationError(str(error)) from error
        except BaseException:
            self.bulk.drop_history(mark)
            raise
        self.bulk.flush_history()
        values = {name: getattr(instance, name, None) for name in self.key_columns}
        self.remember(values, record=record.pk, label=self.line.label, line=self.line.number)
        instance.pk = record.pk

    def store(self, instance, row):
        raise NotImplementedError

    def after_import(self, dataset, result, **kwargs):
        """The history rows of the records stored, by blocks (`Bulk.write_history`)."""
        self.bulk.write_history()

    def import_row(self, row, instance_loader, **kwargs):
        """django-import-export's, then what became of the line (its refusals never reach `after_import_row`)."""
        row_result = super().import_row(row, instance_loader, **kwargs)
        line = self.line
        if not line.blank:
            line.action = ACTIONS.get(row_result.import_type, "refuse")
            if row_result.validation_error is not None:
                line.errors = _messages(row_result.validation_error)
            for error in row_result.errors:
                logger.error("import line %d of %s failed: %s", line.number, self.kind, error.traceback)
                line.errors.append(("", _("This line could not be stored because of an unexpected error.")))
            self.lines.append(line)
        done = kwargs["row_number"]
        if done % PROGRESS_EVERY == 0 or done == self.total:
            self.report_progress(done)
        return row_result

    def report_progress(self, done: int) -> None:
        if self.progress is not None:
            self.progress(done, self.total)

    def written(self, row) -> list[str]:
        """The columns a line stores: those of the file; for an update, those it fills."""
        return [
            name
            for name, column in self.fields.items()
            if column.attribute
            and name in row
            and (self.line.decision != Decision.UPDATE or cell_text(row[name]) != "")
        ]


class PastRecordResource(RecordResource):
    """Cases and visits: records of an enterprise of the directory, which their first columns name."""

    enterprise = Column(
        gettext_lazy("Enterprise"),
        partial(EnterpriseOf, phone_column="enterprise_phone", commune_column="commune"),
        required=True,
        help_text=gettext_lazy("Its name as in the directory."),
    )
    enterprise_phone = Column(
        gettext_lazy("Enterprise phone number"),
        lookup=True,
        help_text=gettext_lazy("The owner's number in the directory: it finds the enterprise when given."),
    )
    commune = Column(
        gettext_lazy("Commune"), lookup=True, help_text=gettext_lazy("Finds the enterprise when several have its name.")
    )
    moment: str
    """The column dating the record; the stored records of the file's dates are read for duplicates."""

    def prepare(self, rows):
        enterprises = self.fields["enterprise"].widget
        enterprises.load(rows)
        self.bulk.add(Enterprise, enterprises.records)
        moments = []
        for row in rows:
            try:
                moments.append(self.fields[self.moment].clean(row))
            except ValueError:
                continue
        if moments:
            self.remember_stored(since=min(moments), until=max(moments))

    def remember_stored(self, *, since: datetime.datetime, until: datetime.datetime) -> None:
        raise NotImplementedError

    def key_values(self, row):
        try:
            return {name: self.fields[name].clean(row) for name in self.key_columns}
        except (KeyError, ValueError):
            return None


class EnterpriseResource(RecordResource):
    kind = ImportBatch.Kind.ENTERPRISES
    page_lines = 5_000
    decisions = (Decision.SKIP, Decision.UPDATE, Decision.CREATE)
    key_columns = ("name", "commune", "owner_phone")

    name = Column(gettext_lazy("Enterprise name"), required=True)
    rccm = Column(label_of(Enterprise, "rccm"))
    nif = Column(label_of(Enterprise, "nif"))
    sector = Column(label_of(Enterprise, "sector"), partial(Choice, choices=IsicSection), required=True)
    activity = Column(label_of(Enterprise, "activity"))
    region = Column(label_of(Enterprise, "region"), Region, required=True)
    commune = Column(label_of(Enterprise, "commune"))
    address = Column(label_of(Enterprise, "address"))
    latitude = Column(label_of(Enterprise, "latitude"), Coordinate)
    longitude = Column(label_of(Enterprise, "longitude"), Coordinate)
    owner_name = Column(label_of(Enterprise, "owner_name"), required=True)
    owner_phone = Column(label_of(Enterprise, "owner_phone"), Phone, required=True)
    owner_email = Column(label_of(Enterprise, "owner_email"))
    women_led = Column(label_of(Enterprise, "women_led"), Boolean, default=False)
    youth_led = Column(label_of(Enterprise, "youth_led"), Boolean, default=False)
    employees_total = Column(label_of(Enterprise, "employees_total"), Integer, default=0)
    employees_women = Column(label_of(Enterprise, "employees_women"), Integer, default=0)
    turnover_band = Column(
        label_of(Enterprise, "turnover_band"), partial(Choice, choices=TurnoverBand), default=TurnoverBand.UNDER_30M
    )
    consent_given = Column(label_of(Enterprise, "consent_given"), Boolean, default=False)
    consent_date = Column(label_of(Enterprise, "consent_date"), Date)

    def prepare(self, rows):
        self.bulk.add(AdministrativeUnit, self.fields["region"].widget.units)
        stored = Enterprise.objects.filter(hub=self.hub, anonymised_at__isnull=True).order_by("pk")
        for pk, name, commune, phone in stored.values_list("pk", "name", "commune", "owner_phone").iterator():
            self.remember({"name": name, "commune": commune, "owner_phone": str(phone)}, record=pk, label=name)

    def label(self, row):
        return cell_text(row.get("name"))

    def keys(self, values):
        found = []
        if values.get("owner_phone"):
            found.append(("phone", str(values["owner_phone"])))
        if values.get("name"):
            found.append(("name", key(values["name"]), key(values.get("commune"))))
        return found

    def key_values(self, row):
        values = {"name": row.get("name"), "commune": row.get("commune")}
        try:
            values["owner_phone"] = phone_of_country(cell_text(row["owner_phone"]), self.hub)
        except (KeyError, ValueError):
            values["owner_phone"] = None
        return values

    def init_instance(self, row=None):
        return Enterprise(hub=self.hub)

    def stored(self, pk):
        enterprise = Enterprise.objects.get(pk=pk)
        enterprise.hub = self.hub
        return enterprise

    def store(self, instance, row):
        return enterprise_save(
            enterprise=instance,
            by=self.by,
            bulk=self.bulk,
            **{name: getattr(instance, name) for name in self.written(row)},
        )


class CaseResource(PastRecordResource):
    kind = ImportBatch.Kind.CASES
    page_lines = 5_000
    key_columns = ("enterprise", "received_at", "title")
    moment = "received_at"

    received_at = Column(label_of(Case, "received_at"), DateTime, required=True)
    channel = Column(label_of(Case, "channel"), partial(Choice, choices=Channel), required=True)
    domain = Column(label_of(Case, "domain"), partial(Choice, choices=TechnologyDomain), required=True)
    title = Column(label_of(Case, "title"), required=True)
    description = Column(label_of(Case, "description"), help_text=gettext_lazy("Left empty, the title."))
    priority = Column(label_of(Case, "priority"), partial(Choice, choices=Priority), default=Priority.NORMAL)
    status = Column(label_of(Case, "status"), partial(Choice, choices=CaseStatus), required=True)
    assigned_to = Column(
        label_of(Case, "assigned_to"),
        ReferentOf,
        help_text=gettext_lazy("User name, phone number or full name of a referent of the hub."),
    )
    resolved_at = Column(
        label_of(Case, "resolved_at"), DateTime, help_text=gettext_lazy("Needed for a resolved or closed case.")
    )
    resolution_summary = Column(
        label_of(Case, "resolution_summary"), help_text=gettext_lazy("Needed for a resolved or closed case.")
    )
    rejection_reason = Column(label_of(Case, "rejection_reason"), help_text=gettext_lazy("Needed for a rejected case."))
    referred_to = Column(
        label_of(Case, "referred_to"),
        PartnerOf,
        help_text=gettext_lazy("The name of a partner organisation of the hub, for a referred case."),
    )
    satisfaction_rating = Column(label_of(Case, "satisfaction_rating"), partial(Integer, minimum=1, maximum=5))

    def prepare(self, rows):
        self.calendar = HubCalendar.of(self.hub)
        self.references = References(self.hub)
        self.bulk.add(User, referents_read(self.fields["assigned_to"].widget))
        self.bulk.add(
            Partner, {partner for found in self.fields["referred_to"].widget.aliases.values() for partner in found}
        )
        super().prepare(rows)

    def after_import(self, dataset, result, **kwargs):
        self.references.close()
        super().after_import(dataset, result, **kwargs)

    def remember_stored(self, *, since, until):
        stored = Case.objects.filter(
            hub=self.hub,
            received_at__gte=since - datetime.timedelta(days=1),
            received_at__lte=until + datetime.timedelta(days=1),
        )
        for pk, reference, enterprise, received_at, title in stored.values_list(
            "pk", "reference", "enterprise", "received_at", "title"
        ).iterator():
            values = {"enterprise": enterprise, "received_at": received_at, "title": title}
            self.remember(values, record=pk, label=f"{reference} – {title}")

    def label(self, row):
        return " – ".join(text for text in (cell_text(row.get("title")), cell_text(row.get("enterprise"))) if text)

    def keys(self, values):
        if not all(values.get(name) for name in self.key_columns):
            return []
        enterprise = values["enterprise"]
        day = timezone.localtime(values["received_at"], self.hub.zone).date()
        return [("same", getattr(enterprise, "pk", enterprise), day, key(values["title"]))]

    def init_instance(self, row=None):
        return Case()

    def store(self, instance, row):
        return case_import(
            case=instance, by=self.by, calendar=self.calendar, references=self.references, bulk=self.bulk
        )


class VisitResource(PastRecordResource):
    kind = ImportBatch.Kind.VISITS
    page_lines = 2_500
    key_columns = ("referent", "enterprise", "started_at")
    moment = "started_at"

    referent = Column(
        label_of(Visit, "referent"),
        partial(ReferentOf, active=True),
        required=True,
        help_text=gettext_lazy("User name, phone number or full name of an active referent of the hub."),
    )
    started_at = Column(label_of(Visit, "started_at"), DateTime, required=True)
    duration_minutes = Column(
        label_of(Visit, "duration_minutes"), partial(Integer, minimum=1, maximum=24 * 60), required=True
    )
    purpose = Column(label_of(Visit, "purpose"), partial(Choice, choices=Purpose), required=True)
    observations = Column(label_of(Visit, "observations"))
    needs_found = Column(label_of(Visit, "needs_found"))
    recommendations = Column(label_of(Visit, "recommendations"))
    next_step = Column(label_of(Visit, "next_step"))
    follow_up_date = Column(label_of(Visit, "follow_up_date"), partial(Date, future=True))
    latitude = Column(label_of(Visit, "latitude"), Coordinate)
    longitude = Column(label_of(Visit, "longitude"), Coordinate)
    gps_accuracy_m = Column(label_of(Visit, "gps_accuracy_m"), Integer)
    people_reached_total = Column(label_of(Visit, "people_reached_total"), Integer, default=0)
    people_reached_women = Column(label_of(Visit, "people_reached_women"), Integer, default=0)

    def prepare(self, rows):
        self.bulk.calendar = HubCalendar.of(self.hub)
        self.bulk.baselines = set(
            FollowUp.objects.filter(hub=self.hub, kind=FollowUp.Kind.BASELINE).values_list("enterprise", flat=True)
        )
        self.bulk.add(User, referents_read(self.fields["referent"].widget))
        identifiers = {self.client_uuid(number) for number in range(2, len(rows) + 2)}
        ordered, stored = sorted(identifiers), set()
        for start in range(0, len(ordered), 500):
            block = Visit.objects.filter(client_uuid__in=ordered[start : start + 500])
            stored.update(block.values_list("client_uuid", flat=True))
        self.bulk.new_visits = identifiers - stored
        super().prepare(rows)

    def client_uuid(self, line: int) -> uuid.UUID:
        """The client UUID of the visit of line `line`: the same in the check and the import of a batch."""
        return uuid.uuid5(self.token, f"line {line}")

    def remember_stored(self, *, since, until):
        stored = Visit.objects.filter(
            hub=self.hub, started_at__gte=since, started_at__lte=until + datetime.timedelta(minutes=1)
        )
        for pk, referent, enterprise, started_at in stored.values_list(
            "pk", "referent", "enterprise", "started_at"
        ).iterator():
            values = {"referent": referent, "enterprise": enterprise, "started_at": started_at}
            self.remember(values, record=pk, label=shown(timezone.localtime(started_at, self.hub.zone)))

    def label(self, row):
        return " – ".join(text for text in (cell_text(row.get("enterprise")), shown(row.get("started_at"))) if text)

    def keys(self, values):
        if not all(values.get(name) for name in self.key_columns):
            return []
        referent, enterprise = values["referent"], values["enterprise"]
        minute = values["started_at"].astimezone(datetime.UTC).replace(second=0, microsecond=0)
        return [("same", getattr(referent, "pk", referent), getattr(enterprise, "pk", enterprise), minute)]

    def init_instance(self, row=None):
        return types.SimpleNamespace()

    def store(self, instance, row):
        given = {name: value for name, value in vars(instance).items() if name in VisitInput.__dataclass_fields__}
        data = VisitInput(client_uuid=self.client_uuid(self.line.number), **given)
        visit, _created = visit_record(data=data, by=instance.referent, bulk=self.bulk)
        return visit


RESOURCES: dict[str, type[RecordResource]] = {
    resource.kind: resource for resource in (EnterpriseResource, CaseResource, VisitResource)
}

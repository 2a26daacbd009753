"""How the cells of a hub's old spreadsheets are read (django-import-export's widgets): each widget turns what
people typed into a value of the records, or raises ValueError with the reason, in the reader's language.

Codes are accepted as the code itself or as their label in any language of the site, whatever the accents
and the case; a widget bound to a hub reads the hub's reference data (regions, enterprises, referents,
partners) once per file, never per line."""

import datetime
import decimal
from functools import cached_property

import phonenumbers
from django.conf import settings
from django.db.models import TextChoices
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from import_export import widgets

from hub.library.search import searchable
from hub.models import RECORDS_FROM, AdministrativeUnit, Enterprise, Hub, Partner, Role, User

EXCEL_EPOCH = datetime.datetime(1899, 12, 30)  # noqa: DTZ001 - a serial day count, zone-free
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")
TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%Hh%M", "%Hh")
TRUE = frozenset({"1", "x", "yes", "y", "true", "oui", "o", "vrai", "sim", "s", "verdadeiro"})
FALSE = frozenset({"0", "no", "n", "false", "non", "faux", "nao", "falso"})


def cell_text(value) -> str:
    """A cell as text: a whole number typed in a spreadsheet (a phone number, an RCCM) without its ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def key(text) -> str:
    """How two spellings are compared: folded words ("Ségou " and "SEGOU" are the same)."""
    return searchable(cell_text(text))


def in_every_language(text) -> set[str]:
    """The keys of a translatable text in every language of the site."""
    keys = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            keys.add(key(text))
    return keys


class Cell(widgets.Widget):
    """A widget reading cells of the hub's files; each is made for one hub (`Column.bind`) and says what it
    reads (`describe`, for the template)."""

    def __init__(self, hub: Hub):
        super().__init__()
        self.hub = hub

    def describe(self) -> str:
        return ""


class Text(Cell):
    def clean(self, value, row=None, **kwargs):
        return cell_text(value)


class Choice(Cell):
    """One of `choices`, by its code or its label."""

    def __init__(self, hub: Hub, *, choices: type[TextChoices]):
        super().__init__(hub)
        self.choices = choices

    def describe(self):
        return _("A code or a label of the list in the sheet of codes.")

    @cached_property
    def aliases(self) -> dict[str, str]:
        aliases = {}
        for value, label in self.choices.choices:
            for alias in (key(value), *in_every_language(label)):
                aliases[alias] = value
        return aliases

    def codes(self) -> list[tuple[str, str]]:
        return [(value, str(label)) for value, label in self.choices.choices]

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        code = text.split(" - ", 1)[0] if " - " in text else text
        found = self.aliases.get(key(code)) or self.aliases.get(key(text))
        if found is None:
            raise ValueError(_("Unknown code “%(value)s”: see the sheet of codes.") % {"value": text})
        return found


class Region(Cell):
    """An administrative unit of the hub's country, by its name, its code or its ISO 3166-2 code."""

    def describe(self):
        return _("A region of the list in the sheet of codes, by its name or its code.")

    @cached_property
    def units(self) -> list[AdministrativeUnit]:
        return list(AdministrativeUnit.objects.filter(country=self.hub.country).order_by("name"))

    @cached_property
    def aliases(self) -> dict[str, AdministrativeUnit]:
        aliases = {}
        for unit in self.units:
            for alias in (unit.code, unit.iso_code, unit.name):
                if alias:
                    aliases[key(alias)] = unit
        return aliases

    def codes(self) -> list[tuple[str, str]]:
        return [(unit.code, unit.name) for unit in self.units]

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        unit = self.aliases.get(key(text))
        if unit is None:
            raise ValueError(
                _("Unknown region “%(value)s” in %(country)s.")
                % {"value": text, "country": self.hub.get_country_display()}
            )
        return unit


def phone_of_country(text: str, hub: Hub) -> str:
    """The number in E.164 form; ValueError when it is not a valid number of the hub's country."""
    try:
        number = phonenumbers.parse(text, hub.country)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number_for_region(number, hub.country):
        raise ValueError(
            _("“%(value)s” is not a valid phone number in %(country)s.")
            % {"value": text, "country": hub.get_country_display()}
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class Phone(Cell):
    def describe(self):
        return _("A phone number of %(country)s.") % {"country": self.hub.get_country_display()}

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        return phone_of_country(text, self.hub) if text else None


class Boolean(Cell):
    def describe(self):
        return _("Yes or no.")

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = key(value)
        if not text:
            return None
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise ValueError(_("Write yes or no, not “%(value)s”.") % {"value": cell_text(value)})


class Integer(Cell):
    def __init__(self, hub: Hub, *, minimum: int = 0, maximum: int | None = None):
        super().__init__(hub)
        self.minimum, self.maximum = minimum, maximum

    def describe(self):
        if self.maximum is not None:
            return _("A whole number from %(minimum)d to %(maximum)d.") % {
                "minimum": self.minimum,
                "maximum": self.maximum,
            }
        return _("A whole number.")

    def clean(self, value, row=None, **kwargs):
        text = "".join(cell_text(value).split())
        if not text:
            return None
        try:
            number = decimal.Decimal(text.replace(",", "."))
        except decimal.InvalidOperation:
            number = None
        if number is None or not number.is_finite() or number != number.to_integral_value():
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": cell_text(value)})
        if number < self.minimum or (self.maximum is not None and number > self.maximum):
            message = (
                _("Give a number from %(minimum)d to %(maximum)d.")
                if self.maximum is not None
                else _("Give a number of at least %(minimum)d.")
            )
            raise ValueError(message % {"minimum": self.minimum, "maximum": self.maximum or 0})
        return int(number)


class Coordinate(Cell):
    """A latitude or longitude in decimal degrees, with a comma or a point, kept to six decimals."""

    def describe(self):
        return _("Decimal degrees, e.g. 12.639231.")

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value).replace(",", ".")
        if not text:
            return None
        try:
            return decimal.Decimal(text).quantize(decimal.Decimal("0.000001"))
        except decimal.InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number of degrees.") % {"value": cell_text(value)}) from None


def _as_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and 1 <= value < 2_958_466:
        return (EXCEL_EPOCH + datetime.timedelta(days=int(value))).date()
    text = cell_text(value)
    for date_format_ in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format_).date()  # noqa: DTZ007 - a day, no zone
        except ValueError:
            continue
    return None


def _as_time(text: str) -> datetime.time | None:
    for time_format in TIME_FORMATS:
        try:
            return datetime.datetime.strptime(text, time_format).time()  # noqa: DTZ007 - a time of day
        except ValueError:
            continue
    return None


class Date(Cell):
    """A day, as a spreadsheet date or typed (2024-03-15, 15/03/2024); not in the future of the hub's day
    unless `future` (a follow-up planned), never before RECORDS_FROM."""

    def __init__(self, hub: Hub, *, future: bool = False):
        super().__init__(hub)
        self.future = future

    def describe(self):
        return _("A date, e.g. 15/03/2024.")

    def clean(self, value, row=None, **kwargs):
        if not cell_text(value):
            return None
        day = _as_date(value)
        if day is None:
            raise ValueError(
                _("“%(value)s” is not a date: write it as 15/03/2024 or 2024-03-15.") % {"value": cell_text(value)}
            )
        check_day(day, hub=self.hub, future=self.future)
        return day


def check_day(day: datetime.date, *, hub: Hub, future: bool = False) -> None:
    if day < RECORDS_FROM:
        raise ValueError(
            _("%(date)s is before %(year)d: check the year.")
            % {"date": date_format(day, "SHORT_DATE_FORMAT"), "year": RECORDS_FROM.year}
        )
    if not future and day > timezone.localtime(timezone.now(), hub.zone).date():
        raise ValueError(_("%(date)s is in the future.") % {"date": date_format(day, "SHORT_DATE_FORMAT")})


class DateTime(Cell):
    """A moment in the hub's time zone: a spreadsheet date and time, or typed (15/03/2024 09:30); a day alone
    is read as its start. Never in the future."""

    def describe(self):
        return _("A date and time in the hub's time, e.g. 15/03/2024 09:30.")

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        moment = _as_datetime(value)
        if moment is None:
            raise ValueError(_("“%(value)s” is not a date and time: write it as 15/03/2024 09:30.") % {"value": text})
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=self.hub.zone)
        local = timezone.localtime(moment, self.hub.zone)
        check_day(local.date(), hub=self.hub)
        if moment > timezone.now():
            raise ValueError(_("%(date)s is in the future.") % {"date": date_format(local, "SHORT_DATETIME_FORMAT")})
        return moment


def _as_datetime(value) -> datetime.datetime | None:
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time.min)
    if isinstance(value, int | float) and 1 <= value < 2_958_466:
        return EXCEL_EPOCH + datetime.timedelta(days=value)
    day_text, _space, time_text = cell_text(value).partition(" ")
    day, moment_time = _as_date(day_text), _as_time(time_text.strip()) if time_text.strip() else datetime.time.min
    if day is None or moment_time is None:
        return None
    return datetime.datetime.combine(day, moment_time)


class Lookup(Cell):
    """A record of the hub named in a cell; what names each record is read once, in `aliases`."""

    @cached_property
    def aliases(self) -> dict[str, list]:
        raise NotImplementedError

    def one(self, text: str, found: list):
        if not found:
            raise ValueError(self.unknown % {"value": text})
        if len(found) > 1:
            raise ValueError(self.ambiguous % {"value": text})
        return found[0]


def _alias(aliases: dict[str, list], name: str, record) -> None:
    if name and record not in aliases.setdefault(name, []):
        aliases[name].append(record)


class ReferentOf(Lookup):
    """A referent of the hub by user name, phone number or full name; `active` ones only for a record they
    make themselves (a visit)."""

    def __init__(self, hub: Hub, *, active: bool = False):
        super().__init__(hub)
        self.active = active

    @property
    def unknown(self) -> str:
        return _("No referent of the hub is called “%(value)s”: give their user name or phone number.")

    @property
    def ambiguous(self) -> str:
        return _("Several referents are called “%(value)s”: give their user name or phone number.")

    @cached_property
    def aliases(self) -> dict[str, list]:
        aliases: dict[str, list] = {}
        referents = User.objects.filter(role=Role.REFERENT, hub=self.hub).select_related("referent")
        for user in referents.order_by("pk"):
            user.hub = self.hub
            for name in (user.username, str(user.phone or ""), user.get_full_name()):
                _alias(aliases, key(name), user)
        return aliases

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        found = self.aliases.get(key(text))
        if not found:
            try:
                found = self.aliases.get(key(phone_of_country(text, self.hub)))
            except ValueError:
                found = None
        referent = self.one(text, found or [])
        profile = getattr(referent, "referent", None)
        if self.active and not (referent.is_active and profile is not None and profile.is_active):
            raise ValueError(_("“%(value)s” is no longer an active referent of the hub.") % {"value": text})
        return referent


class PartnerOf(Lookup):
    """A partner organisation of the hub, by its name."""

    @property
    def unknown(self) -> str:
        return _("No partner organisation of the hub is called “%(value)s”.")

    @property
    def ambiguous(self) -> str:
        return _("Several partner organisations are called “%(value)s”.")

    @cached_property
    def aliases(self) -> dict[str, list]:
        aliases: dict[str, list] = {}
        for partner in Partner.objects.filter(hub=self.hub).order_by("pk"):
            _alias(aliases, key(partner.name), partner)
        return aliases

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        return self.one(text, self.aliases.get(key(text), [])) if text else None


class EnterpriseOf(Lookup):
    """An enterprise of the directory named in a line of cases or visits: by the owner's phone number when
    the line gives one (`phone_column`), else by its name, narrowed by its commune (`commune_column`) when
    several share the name. Anonymised enterprises take no new records and are not found. The enterprises
    named in a file are read in one query (`load`)."""

    def __init__(self, hub: Hub, *, phone_column: str, commune_column: str):
        super().__init__(hub)
        self.phone_column, self.commune_column = phone_column, commune_column
        self.records: dict[int, Enterprise] = {}
        self.resolved: dict[tuple[str, str, str], int | None | ValueError] = {}

    @property
    def unknown(self) -> str:
        return _("No enterprise of the directory matches “%(value)s”: import the enterprises first.")

    @property
    def ambiguous(self) -> str:
        return _("Several enterprises of the directory match “%(value)s”: give the phone number or the commune.")

    @cached_property
    def directory(self) -> list[tuple[int, str, str, str]]:
        """(id, name key, commune key, phone) of the hub's enterprises."""
        rows = Enterprise.objects.filter(hub=self.hub, anonymised_at__isnull=True).order_by("pk")
        return [
            (pk, key(name), key(commune), str(phone))
            for pk, name, commune, phone in rows.values_list("pk", "name", "commune", "owner_phone")
        ]

    @cached_property
    def communes(self) -> dict[int, str]:
        return {pk: commune for pk, _name, commune, _phone in self.directory}

    @cached_property
    def aliases(self) -> dict[str, list]:
        aliases: dict[str, list] = {}
        for pk, name, _commune, phone in self.directory:
            _alias(aliases, name, pk)
            _alias(aliases, phone, pk)
        return aliases

    def resolve(self, row: dict) -> int | None:
        """The id of the enterprise a line names; None when it names none. Lines naming it alike are read once."""
        named = (cell_text(row.get("enterprise")), cell_text(row.get(self.phone_column)))
        named += (key(row.get(self.commune_column)),)
        if named not in self.resolved:
            try:
                self.resolved[named] = self._resolve(*named)
            except ValueError as error:
                self.resolved[named] = error
        found = self.resolved[named]
        if isinstance(found, ValueError):
            raise found
        return found

    def _resolve(self, text: str, phone_text: str, commune: str) -> int | None:
        if not text and not phone_text:
            return None
        name = key(text)
        if phone_text:
            found = self.aliases.get(phone_of_country(phone_text, self.hub), [])
            if len(found) > 1 and name:
                found = [pk for pk in found if pk in self.aliases.get(name, [])] or found
        else:
            found = self.aliases.get(name, [])
            if len(found) > 1 and commune:
                found = [pk for pk in found if self.communes[pk] == commune]
        return self.one(text or phone_text, found)

    def load(self, rows) -> None:
        """Read at once the enterprises the lines name; lines that name none readably are left to `clean`."""
        ids = set()
        for row in rows:
            try:
                ids.add(self.resolve(row))
            except ValueError:
                continue
        ids.discard(None)
        for enterprise in Enterprise.objects.filter(pk__in=ids):
            enterprise.hub = self.hub
            self.records[enterprise.pk] = enterprise

    def clean(self, value, row=None, **kwargs):
        pk = self.resolve(row or {"enterprise": value})
        if pk is None:
            return None
        if pk not in self.records:
            self.load([row])
        return self.records[pk]

"""What an import prepares once for the many records it stores in one transaction, for the records' own
services to rely on instead of asking the database again for every record.

The services (`hub.services.enterprise_save`, `cases.imports.case_import`, `visits.services.visit_record` and
`hub.followups.services.followups_plan_baseline` which it calls) take it as an optional `bulk`: they write
exactly as without it, the same validation, the same refusals and the same rows, with fewer queries. Every
other caller passes none.

- `read`: the rows the caller read from the database in its transaction, by model (the hub, its regions,
  referents and partners, the enterprises the file names, the importing person). A foreign key to one of
  them is not looked up again by `full_clean` (one query per key and record); what the key's choices are
  limited to (a referent's role) is checked on the row read. A key to any other row is validated as usual.
- The check constraints of Enterprise, Case and Visit are each enforced by the model's own `clean()`, with
  a refusal on a field the constraint reads (`CONSTRAINTS_IN_CLEAN`, pinned by the tests): Django then leaves
  the constraint aside, and its query (one per constraint and record) could never add a refusal. A model
  with a constraint not listed there is validated in full.
- `calendar`: the hub's calendar, its holidays read once (a visit's baseline is due in working days).
- `baselines`: the enterprises of the hub known to have a baseline, read once and kept up to date as the
  baselines are planned. An enterprise missing from it is planned as usual: if a baseline was stored
  meanwhile, the database's constraint keeps the one stored (`followups._create_once`).
- `new_visits`: client UUIDs of visits known not to be stored (read once): `visit_record` does not ask
  again; a visit stored meanwhile under one of them is caught on insert, as without `bulk`.
- `history`: the history rows of the records saved (django-simple-history's, the same rows) are written
  by blocks of HISTORY_BLOCK as the run goes and at its end (`flush_history`, `write_history`, in its
  transaction) instead of one insert per record.
  A service defers a record's history just before saving it (`defer_history`) and takes it back when the
  save does not happen (`undefer`); the caller drops those of a line that is refused (`history_mark`,
  `drop_history`). A row is read from the record when the history is written: each record is saved once
  in a run (an import stores each line's record once), and a visit's history is deferred only when it links
  no case (its linked cases' history rows are written one by one, as without `bulk`).
"""

from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone

from hub.calendar import HubCalendar
from hub.imports.history import attribution

CONSTRAINTS_IN_CLEAN: dict[str, frozenset[str]] = {
    "hub.Enterprise": frozenset({"enterprise_women_within_employees", "enterprise_consent_has_date"}),
    "cases.Case": frozenset({"case_rating_1_to_5"}),
    "visits.Visit": frozenset({"visit_women_within_people_reached", "visit_latitude_and_longitude_together"}),
}
"""The check constraints whose rule the model's `clean()` (or its fields' validators) enforces with a refusal
on a field the constraint reads: when it is broken, `full_clean` excludes that field and Django skips the
constraint, so that validating it can only cost a query."""


def constraints_in_clean(model: type[models.Model]) -> bool:
    """Whether every constraint of `model` is a check constraint its `clean()` enforces."""
    listed = CONSTRAINTS_IN_CLEAN.get(model._meta.label, frozenset())
    return all(
        isinstance(constraint, models.CheckConstraint) and constraint.name in listed
        for constraint in model._meta.constraints
    )


@dataclass(kw_only=True)
class Bulk:
    """See the module. Made for one run over one file of one hub, inside its transaction."""

    read: dict[type[models.Model], set] = field(default_factory=dict)
    calendar: HubCalendar | None = None
    baselines: set[int] | None = None
    new_visits: set = field(default_factory=set)
    history: list[tuple[models.Model, str]] = field(default_factory=list)

    HISTORY_BLOCK = 500

    def defer_history(self, instance: models.Model) -> None:
        """`instance` is about to be saved: its history row is written with the others (`write_history`)."""
        instance.skip_history_when_saving = True
        instance._history_date = timezone.now()
        self.history.append((instance, "+" if instance._state.adding else "~"))

    def undefer(self, instance: models.Model) -> None:
        """`instance` was not saved after all: no history row."""
        self.history = [(record, kind) for record, kind in self.history if record is not instance]
        _forget(instance)

    def history_mark(self) -> int:
        return len(self.history)

    def drop_history(self, mark: int) -> None:
        """The records deferred since `mark` were rolled back (their line refused)."""
        for instance, _kind in self.history[mark:]:
            _forget(instance)
        del self.history[mark:]

    def flush_history(self) -> None:
        """Write the deferred history rows once a block of them is waiting (`write_history`): the records
        are not all kept in memory until the end of the run. Precondition: the records deferred are stored
        (called once a line's record is); a line refused after it makes the whole run roll back."""
        if len(self.history) >= self.HISTORY_BLOCK:
            self.write_history()

    def write_history(self) -> None:
        """The deferred history rows, named after the importing person and the file as the history rows
        written one by one within `hub.imports.history.attributed`."""
        user, reason = attribution() or (None, "")
        groups: dict[tuple[type[models.Model], str], list[models.Model]] = {}
        for instance, kind in self.history:
            groups.setdefault((type(instance), kind), []).append(instance)
        for (model, kind), instances in groups.items():
            model.history.bulk_history_create(
                instances,
                batch_size=self.HISTORY_BLOCK,
                update=kind == "~",
                default_user=user,
                default_change_reason=reason,
            )
            for instance in instances:
                _forget(instance)
        self.history = []

    def add(self, model: type[models.Model], records) -> None:
        """`records` (rows or primary keys of `model`) were read in this transaction."""
        self.read.setdefault(model, set()).update(getattr(record, "pk", record) for record in records)

    def known(self, instance: models.Model, key: models.ForeignKey) -> bool:
        """Whether the foreign key `key` of `instance` names a row read in this transaction, of the choices
        the key is limited to."""
        value = getattr(instance, key.attname)
        if value is None or not key.target_field.primary_key or value not in self.read.get(key.related_model, ()):
            return False
        limit = key.get_limit_choices_to()
        if not limit:
            return True
        if not isinstance(limit, dict) or not key.is_cached(instance):
            return False
        related = key.get_cached_value(instance)
        return all("__" not in name and getattr(related, name) == wanted for name, wanted in limit.items())

    def full_clean(self, instance: models.Model, *, exclude=()) -> None:
        known = [
            key.name
            for key in instance._meta.concrete_fields
            if key.many_to_one and key.name not in exclude and self.known(instance, key)
        ]
        instance.full_clean(exclude=[*exclude, *known], validate_constraints=not constraints_in_clean(type(instance)))


def _forget(instance: models.Model) -> None:
    for name in ("skip_history_when_saving", "_history_date"):
        instance.__dict__.pop(name, None)


def full_clean(instance: models.Model, *, exclude=(), bulk: Bulk | None = None) -> None:
    """`instance.full_clean(exclude=exclude)`, without the queries `bulk` makes needless (see the module)."""
    if bulk is None:
        instance.full_clean(exclude=list(exclude) or None)
    else:
        bulk.full_clean(instance, exclude=exclude)

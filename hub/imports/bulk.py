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
"""

from dataclasses import dataclass, field

from django.db import models

from hub.calendar import HubCalendar

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


def full_clean(instance: models.Model, *, exclude=(), bulk: Bulk | None = None) -> None:
    """`instance.full_clean(exclude=exclude)`, without the queries `bulk` makes needless (see the module)."""
    if bulk is None:
        instance.full_clean(exclude=list(exclude) or None)
    else:
        bulk.full_clean(instance, exclude=exclude)

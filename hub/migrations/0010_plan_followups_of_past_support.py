"""Follow-ups that the plan (`hub.followups.services`) would have made had it run from the start: a 6- and a
12-month follow-up for each resolved or closed case, due the hub's delays after its resolution, and a
baseline for each enterprise that had a case assigned or a visit and has none, due at its first case's
first-contact date or at its first visit, in the charge of that case's or that visit's referent. Each planned row gets its creation in the history, as the
service's rows do."""

import datetime

from django.db import migrations
from django.utils import timezone


def plan_past_support(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Visit = apps.get_model("visits", "Visit")
    FollowUp = apps.get_model("hub", "FollowUp")
    HistoricalFollowUp = apps.get_model("hub", "HistoricalFollowUp")
    now = timezone.now()
    planned = []
    existing = set(FollowUp.objects.exclude(case=None).values_list("case_id", "kind"))
    resolved = Case.objects.filter(resolved_at__isnull=False, status__in=["resolved", "closed"]).select_related("hub")
    for case in resolved.iterator():
        resolved_on = timezone.localdate(case.resolved_at)
        for kind, days in (("m6", case.hub.followup_6_months_days), ("m12", case.hub.followup_12_months_days)):
            if (case.pk, kind) not in existing:
                planned.append(
                    FollowUp(
                        hub_id=case.hub_id,
                        enterprise_id=case.enterprise_id,
                        case_id=case.pk,
                        kind=kind,
                        due_date=resolved_on + datetime.timedelta(days=days),
                        assigned_to_id=case.assigned_to_id,
                    )
                )
    with_baseline = set(FollowUp.objects.filter(kind="baseline").values_list("enterprise_id", flat=True))
    starts: dict[int, tuple] = {}
    first_cases = Case.objects.filter(assigned_at__isnull=False).order_by("enterprise_id", "assigned_at", "pk")
    for case in first_cases.values("enterprise_id", "hub_id", "assigned_at", "first_contact_due", "assigned_to_id"):
        if case["enterprise_id"] not in starts:
            due = case["first_contact_due"] or timezone.localdate(case["assigned_at"])
            starts[case["enterprise_id"]] = (case["assigned_at"], due, case["hub_id"], case["assigned_to_id"])
    first_visits = Visit.objects.order_by("enterprise_id", "started_at", "pk")
    for visit in first_visits.values("enterprise_id", "hub_id", "started_at", "referent_id"):
        known = starts.get(visit["enterprise_id"])
        if known is None or visit["started_at"] < known[0]:
            day = timezone.localdate(visit["started_at"])
            starts[visit["enterprise_id"]] = (visit["started_at"], day, visit["hub_id"], visit["referent_id"])
    for enterprise_id, (_at, due, hub_id, referent_id) in starts.items():
        if enterprise_id not in with_baseline:
            planned.append(
                FollowUp(
                    hub_id=hub_id, enterprise_id=enterprise_id, kind="baseline", due_date=due, assigned_to_id=referent_id
                )
            )
    for followup in planned:
        followup.created_at = now
    created = FollowUp.objects.bulk_create(planned, batch_size=500)
    HistoricalFollowUp.objects.bulk_create(
        [
            HistoricalFollowUp(
                id=followup.pk,
                hub_id=followup.hub_id,
                enterprise_id=followup.enterprise_id,
                case_id=followup.case_id,
                kind=followup.kind,
                due_date=followup.due_date,
                assigned_to_id=followup.assigned_to_id,
                self_reported=False,
                content_hash="",
                technology_notes="",
                notes="",
                created_at=now,
                history_date=now,
                history_type="+",
                history_change_reason="Planned for the support given before follow-ups were planned",
            )
            for followup in created
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("hub", "0009_followup_planning"),
        ("cases", "0007_share_hub"),
        ("visits", "0004_share_hub"),
    ]

    operations = [migrations.RunPython(plan_past_support, migrations.RunPython.noop, elidable=True)]

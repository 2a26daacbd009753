"""Follow-ups that the plan (`hub.followups.services`) would have made had it run from the start: a 6- and a
12-month follow-up for each resolved or closed case, due the hub's delays after its resolution, and a
baseline for each enterprise that had a case assigned or a visit and has none, due at its first case's
first-contact date or at its first visit. Each planned row gets its creation in the history, as the
service's rows do."""

import datetime

from django.db import migrations
from django.db.models import Min
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
    first_cases = Case.objects.filter(assigned_at__isnull=False).values("enterprise_id", "hub_id").annotate(
        at=Min("assigned_at"), due=Min("first_contact_due")
    )
    for row in first_cases:
        starts[row["enterprise_id"]] = (row["at"], row["due"] or timezone.localdate(row["at"]), row["hub_id"])
    first_visits = Visit.objects.values("enterprise_id", "hub_id").annotate(at=Min("started_at"))
    for row in first_visits:
        known = starts.get(row["enterprise_id"])
        if known is None or row["at"] < known[0]:
            starts[row["enterprise_id"]] = (row["at"], timezone.localdate(row["at"]), row["hub_id"])
    for enterprise_id, (_at, due, hub_id) in starts.items():
        if enterprise_id not in with_baseline:
            planned.append(FollowUp(hub_id=hub_id, enterprise_id=enterprise_id, kind="baseline", due_date=due))
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

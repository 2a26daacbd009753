"""Every 6- and 12-month follow-up belongs to a case (the constraint of 0016). Before it, one without a case
is attached to a case of its enterprise that lacks a follow-up of that kind, the latest resolved on or
before its due date; one that no case can take and that was never collected is a plan with no answer and is
deleted (its enterprise's cases have their own); one that was collected and that no case can take stops the
migration, naming it, so that a manager merges or deletes it: its answers are never thrown away here. Each
attachment and deletion is written to the history."""

from django.db import migrations
from django.utils import timezone

REASON = "A 6- or 12-month follow-up belongs to a case"


def attach_orphan_followups(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    FollowUp = apps.get_model("hub", "FollowUp")
    HistoricalFollowUp = apps.get_model("hub", "HistoricalFollowUp")
    now = timezone.now()
    orphans = FollowUp.objects.filter(case__isnull=True, kind__in=["m6", "m12"]).order_by("due_date", "pk")
    stuck = []
    for followup in orphans:
        taken = FollowUp.objects.filter(kind=followup.kind, case__isnull=False).values("case_id")
        case = (
            Case.objects.filter(
                enterprise_id=followup.enterprise_id,
                resolved_at__isnull=False,
                resolved_at__date__lte=followup.due_date,
            )
            .exclude(pk__in=taken)
            .order_by("-resolved_at", "-pk")
            .first()
        )
        if case is not None:
            followup.case_id = case.pk
            followup.save(update_fields=["case"])
            history_type = "~"
        elif followup.collected_on is None:
            followup_id = followup.pk
            followup.delete()
            followup.pk = followup_id
            history_type = "-"
        else:
            stuck.append(followup.pk)
            continue
        HistoricalFollowUp.objects.create(
            **{
                field.attname: getattr(followup, field.attname)
                for field in FollowUp._meta.concrete_fields
                if field.attname != "id"
            },
            id=followup.pk,
            history_date=now,
            history_type=history_type,
            history_change_reason=REASON,
        )
    if stuck:
        raise RuntimeError(
            "These collected 6- or 12-month follow-ups have no case, and every case of their enterprise "
            f"already has its own: {', '.join(map(str, stuck))}. Merge each into its case's follow-up or "
            "delete it (in the Django admin), then migrate again."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("hub", "0014_shared_cache_table"),
        ("cases", "0007_share_hub"),
    ]

    operations = [migrations.RunPython(attach_orphan_followups, migrations.RunPython.noop)]

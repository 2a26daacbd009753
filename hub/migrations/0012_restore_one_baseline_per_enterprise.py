"""On PostgreSQL, 0008 (the enterprise column's own index dropped) also dropped the partial unique index
`one_baseline_per_enterprise`, so concurrent first visits could store two baselines of one enterprise. Any
such duplicate is removed (the collected one kept, else the oldest), then the constraint is made again; on
SQLite, which had kept it, it is made again the same way."""

from django.db import migrations, models
from django.db.models import Count


def remove_duplicate_baselines(apps, schema_editor):
    FollowUp = apps.get_model("hub", "FollowUp")
    baselines = FollowUp.objects.filter(kind="baseline")
    doubled = (
        baselines.values("enterprise_id").annotate(n=Count("pk")).filter(n__gt=1).values_list("enterprise_id", flat=True)
    )
    for enterprise_id in doubled:
        ranked = baselines.filter(enterprise_id=enterprise_id).order_by(
            models.F("collected_on").asc(nulls_last=True), "pk"
        )
        ranked.exclude(pk=ranked.first().pk).delete()


class Migration(migrations.Migration):
    dependencies = [("hub", "0011_followup_constraint_messages")]

    operations = [
        migrations.RunPython(remove_duplicate_baselines, migrations.RunPython.noop, elidable=True),
        migrations.RemoveConstraint(model_name="followup", name="one_baseline_per_enterprise"),
        migrations.AddConstraint(
            model_name="followup",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "baseline")),
                fields=("enterprise",),
                name="one_baseline_per_enterprise",
                violation_error_message="This enterprise already has its baseline.",
            ),
        ),
    ]

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_the_hub_of_the_case(apps, schema_editor):
    """Each share, and each entry of its history, takes the hub of its case."""
    case_hub = apps.get_model("cases", "Case").objects.filter(pk=OuterRef("case_id")).values("hub_id")[:1]
    for name in ("CaseShare", "HistoricalCaseShare"):
        apps.get_model("cases", name).objects.update(hub_id=Subquery(case_hub))


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0006_report_index'),
        ('hub', '0007_enterprise_anonymised_at'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='caseshare',
            name='hub',
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='hub.hub', verbose_name='hub'),
        ),
        migrations.AddField(
            model_name='historicalcaseshare',
            name='hub',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='hub.hub', verbose_name='hub'),
        ),
        migrations.RunPython(copy_the_hub_of_the_case, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='caseshare',
            name='hub',
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='hub.hub', verbose_name='hub'),
        ),
        migrations.AddIndex(
            model_name='caseshare',
            index=models.Index(fields=['hub', 'shared_at', 'sheet', 'shared_by', 'id'], name='cases_cases_hub_id_18c7ae_idx'),
        ),
    ]

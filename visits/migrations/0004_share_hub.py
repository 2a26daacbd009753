import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_the_hub_of_the_visit(apps, schema_editor):
    """Each share, and each entry of its history, takes the hub of its visit."""
    visit_hub = apps.get_model("visits", "Visit").objects.filter(pk=OuterRef("visit_id")).values("hub_id")[:1]
    for name in ("VisitShare", "HistoricalVisitShare"):
        apps.get_model("visits", name).objects.update(hub_id=Subquery(visit_hub))


class Migration(migrations.Migration):

    dependencies = [
        ('hub', '0007_enterprise_anonymised_at'),
        ('visits', '0003_report_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalvisitshare',
            name='hub',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='hub.hub', verbose_name='hub'),
        ),
        migrations.AddField(
            model_name='visitshare',
            name='hub',
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='hub.hub', verbose_name='hub'),
        ),
        migrations.RunPython(copy_the_hub_of_the_visit, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='visitshare',
            name='hub',
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='hub.hub', verbose_name='hub'),
        ),
        migrations.AddIndex(
            model_name='visitshare',
            index=models.Index(fields=['hub', 'shared_at', 'sheet', 'shared_by', 'id'], name='visits_visi_hub_id_14b447_idx'),
        ),
    ]

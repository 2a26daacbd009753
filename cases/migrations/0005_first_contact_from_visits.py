"""Cases visited before a visit recorded its cases' first contact (`cases.services.case_visited`): their
first contact becomes their earliest visit since they were received, as the service now records it, so
that the reports of past periods count them too. One UPDATE, no row loaded; the history keeps no entry
for it."""

from django.db import migrations
from django.db.models import F, Min, OuterRef, Q, Subquery


def first_contact_from_visits(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Visit = apps.get_model("visits", "Visit")
    earliest = Subquery(
        Visit.objects.filter(cases=OuterRef("pk"), started_at__gte=OuterRef("received_at"))
        .order_by()
        .values("cases")
        .annotate(first=Min("started_at"))
        .values("first")
    )
    later = Case.objects.annotate(earliest=earliest).filter(
        Q(first_contact_at__isnull=True) | Q(first_contact_at__gt=F("earliest")), earliest__isnull=False
    )
    Case.objects.filter(pk__in=later.values("pk")).update(first_contact_at=earliest)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_case_shares"),
        ("visits", "0002_visit_shares"),
    ]

    operations = [migrations.RunPython(first_contact_from_visits, migrations.RunPython.noop, elidable=True)]

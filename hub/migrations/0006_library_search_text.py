"""Fill the partners' folded search text, and index the sheets' French full-text vector on PostgreSQL
(SQLite searches the same text with LIKE). The folding is written out here: migrations never import
app code."""

import re
import unicodedata

from django.db import migrations

INDEX = "hub_sheet_search_french"


def searchable(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join(re.findall(r"[a-z0-9]+", "".join(char for char in decomposed if not unicodedata.combining(char))))


def fill_partner_search_text(apps, schema_editor):
    Partner = apps.get_model("hub", "Partner")
    partners = list(Partner.objects.all())
    for partner in partners:
        partner.search_text = searchable(" ".join([partner.name, partner.contact_name, partner.address]))
    Partner.objects.bulk_update(partners, ["search_text"], batch_size=500)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON hub_technologysheet USING GIN (to_tsvector('french', search_text))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("hub", "0005_technology_sheets_and_partner_search_text")]
    operations = [
        migrations.RunPython(fill_partner_search_text, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]

"""The table of the database cache that production uses when no Redis is configured (SHARED_CACHE_TABLE in
hub.settings.production): made by `migrate`, so a deployment cannot forget `createcachetable`."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

SHARED_CACHE_TABLE = "hub_shared_cache"


def create_cache_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, SHARED_CACHE_TABLE, dry_run=False)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(SHARED_CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("hub", "0013_followup_text_lengths")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]

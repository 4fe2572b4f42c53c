"""The database cache table (settings.CACHES), created wherever `migrate` runs."""

from django.core.management.commands.createcachetable import Command
from django.db import migrations

from liaison.cache import CACHE_TABLE


def create_cache_table(apps, schema_editor):
    # Also when Redis is the cache: the table is where the cache falls back to.
    command = Command()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {CACHE_TABLE}")


class Migration(migrations.Migration):
    dependencies = [("liaison", "0003_ledger_support")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]

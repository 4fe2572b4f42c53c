"""On PostgreSQL, overlapping visits of the same kind, contact and target are refused by the
database too (spec/import.md, visits), so that two concurrent requests cannot both pass the
rule check. SQLite keeps the same-day unique constraints of 0002 and the rule check."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE contactpoints_visit ADD CONSTRAINT visit_no_overlap EXCLUDE USING gist (
    kind WITH =,
    (coalesce(cadre_id, 0)) WITH =,
    (coalesce(unit_id, 0)) WITH =,
    (coalesce(target_org_id, 0)) WITH =,
    (coalesce(target_household_id, 0)) WITH =,
    daterange(start_date, end_date, '[]') WITH &&
);
"""
DROP = "ALTER TABLE contactpoints_visit DROP CONSTRAINT IF EXISTS visit_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("contactpoints", "0002_visit_once")]

    operations = [migrations.RunPython(forwards, backwards)]

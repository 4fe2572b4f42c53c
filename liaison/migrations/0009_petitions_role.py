from django.db import migrations


def create_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="信访")


class Migration(migrations.Migration):
    dependencies = [("liaison", "0008_fill_working_calendar")]
    operations = [migrations.RunPython(create_role, migrations.RunPython.noop)]

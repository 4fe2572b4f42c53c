"""Fill the working calendar at installation with the official rest days and make-up working
days of every year the chinese-calendar package knows (spec/petitions.md §1). Rows already
there (imported or edited) are kept."""

from django.db import migrations


def fill(apps, schema_editor):
    from liaison.workdays import official_days

    CalendarDay = apps.get_model("liaison", "CalendarDay")
    present = set(CalendarDay.objects.values_list("date", flat=True))
    CalendarDay.objects.bulk_create(
        CalendarDay(date=day, kind=kind, name=name) for day, kind, name in official_days()
        if day not in present)


class Migration(migrations.Migration):
    dependencies = [("liaison", "0007_working_calendar")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

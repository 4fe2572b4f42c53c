from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from contactpoints.models import Visit


@admin.register(Visit)
class VisitAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "cadre", "unit", "target_org", "target_household", "start_date",
                    "end_date", "entered_by"]
    list_filter = ["kind"]
    search_fields = ["cadre__name", "cadre__code", "unit__name", "target_household__code"]
    date_hierarchy = "start_date"
    raw_id_fields = ["cadre", "unit", "target_org", "target_household", "participants"]

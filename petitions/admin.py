from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from petitions.models import Petition, ReceptionDay


@admin.register(ReceptionDay)
class ReceptionDayAdmin(SimpleHistoryAdmin):
    list_display = ("date", "host", "substitute", "received_by", "mode")
    date_hierarchy = "date"


@admin.register(Petition)
class PetitionAdmin(SimpleHistoryAdmin):
    list_display = ("code", "received_on", "handling_unit", "decision", "decision_due",
                    "replied_on")
    search_fields = ("code",)
    date_hierarchy = "received_on"

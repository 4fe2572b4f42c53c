from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from liaison.models import (
    Cadre,
    CalendarDay,
    ContactAssignment,
    Household,
    Organization,
    Position,
    RoleGrant,
    User,
)
from liaison.personal import mask_name
from liaison.workdays import calendar_changed

admin.site.site_header = "联系服务群众平台 · 系统管理"


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(User)
class LiaisonUserAdmin(UserAdmin):
    inlines = [RoleGrantInline]
    fieldsets = UserAdmin.fieldsets + (("账号设置", {"fields": ["must_change_password"]}),)


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "type", "parent"]
    list_filter = ["type"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(Cadre)
class CadreAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "phone", "user"]
    search_fields = ["code", "name"]
    inlines = [PositionInline]
    raw_id_fields = ["user"]


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    """Households' names, addresses and phones are masked here too (#15): the admin lists and
    edits the other fields; the personal data is revealed on the household's page by those the
    rule allows, never in the admin."""

    list_display = ["code", "masked_head_name", "community", "is_poor"]
    list_filter = ["is_poor"]
    search_fields = ["code"]
    autocomplete_fields = ["community"]

    @admin.display(description="户主姓名")
    def masked_head_name(self, obj):
        return mask_name(obj.head_name)

    def get_exclude(self, request, obj=None):
        return ["head_name", "address", "phone"] if obj is not None else []


@admin.register(ContactAssignment)
class ContactAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "cadre", "unit", "target_org", "target_household", "start_date",
                    "end_date"]
    list_filter = ["kind"]
    raw_id_fields = ["cadre", "unit", "target_org", "target_household"]


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    """The working calendar: the system administrator adds the next year's holiday notice."""

    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    search_fields = ("name",)
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        calendar_changed.send(sender=CalendarDay)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        calendar_changed.send(sender=CalendarDay)

from django.contrib import admin

from supervision.models import ComplianceRun, ComplianceRunPart, ReportFile


class ComplianceRunPartInline(admin.TabularInline):
    """Which part of a split run failed, and when each ran (the plan's cadre list is long)."""

    model = ComplianceRunPart
    fields = ["number", "status", "top_units", "row_count", "started_at", "finished_at", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ComplianceRun)
class ComplianceRunAdmin(admin.ModelAdmin):
    inlines = [ComplianceRunPartInline]
    list_display = ["pk", "year", "as_of", "status", "progress", "row_count", "requested_by",
                    "requested_at", "finished_at"]
    list_filter = ["status", "year"]
    readonly_fields = [f.name for f in ComplianceRun._meta.fields]

    # A run is the record of what was computed and published. Runs come from the recompute
    # command or the dashboard, and a superseded run's rows are deleted when it is
    # superseded. The results' key to their run is not checked by the database
    # (supervision/0008), so a run deleted here while a part is still copying rows would
    # leave orphan rows behind.
    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReportFile)
class ReportFileAdmin(admin.ModelAdmin):
    list_display = ["kind", "status", "requested_by", "requested_at", "finished_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in ReportFile._meta.fields]

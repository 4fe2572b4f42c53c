from django.contrib import admin

from supervision.models import ComplianceRun, ReportFile


@admin.register(ComplianceRun)
class ComplianceRunAdmin(admin.ModelAdmin):
    list_display = ["pk", "year", "as_of", "status", "progress", "row_count", "requested_by",
                    "requested_at", "finished_at"]
    list_filter = ["status", "year"]
    readonly_fields = [f.name for f in ComplianceRun._meta.fields]


@admin.register(ReportFile)
class ReportFileAdmin(admin.ModelAdmin):
    list_display = ["kind", "status", "requested_by", "requested_at", "finished_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in ReportFile._meta.fields]

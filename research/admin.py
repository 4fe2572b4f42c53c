from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from research.models import ResearchReport, ResearchTopic, ResearchTrip, TripAttachment, TripPlace


class TripPlaceInline(admin.TabularInline):
    model = TripPlace
    extra = 0
    raw_id_fields = ["organization"]


class TripAttachmentInline(admin.TabularInline):
    model = TripAttachment
    extra = 0
    fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(ResearchTrip)
class ResearchTripAdmin(SimpleHistoryAdmin):
    list_display = ["cadre", "start_date", "end_date", "title", "place_type", "entered_by"]
    list_filter = ["place_type"]
    search_fields = ["title", "cadre__name", "cadre__code"]
    date_hierarchy = "start_date"
    raw_id_fields = ["cadre", "topic"]
    inlines = [TripPlaceInline, TripAttachmentInline]


@admin.register(ResearchReport)
class ResearchReportAdmin(SimpleHistoryAdmin):
    list_display = ["cadre", "title", "submitted_on", "status", "reviewed_by"]
    list_filter = ["status"]
    search_fields = ["title", "cadre__name", "cadre__code"]
    raw_id_fields = ["cadre", "topic", "reviewed_by"]


@admin.register(ResearchTopic)
class ResearchTopicAdmin(SimpleHistoryAdmin):
    list_display = ["year", "title", "kind", "organization", "status"]
    list_filter = ["year", "kind", "status"]
    search_fields = ["title"]
    raw_id_fields = ["organization", "reviewed_by"]

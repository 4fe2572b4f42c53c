"""Imports research_trips and research_reports (spec/import.md) and the list exports."""

from django.core.exceptions import ValidationError
from import_export.fields import Field

from liaison.imports import (
    ChoiceLabelWidget,
    CodeWidget,
    DateWidget,
    ImportResource,
    codes_lookup,
    register_import,
    split_codes,
    stored_related,
)
from liaison.models import Cadre, Organization
from liaison.permissions import Role, has_role
from research.models import ResearchReport, ResearchTrip
from research.services import trip_places_set, trips_places_set


@register_import
class ResearchTripResource(ImportResource):
    kind = "research_trips"
    label = "调研"
    roles = (Role.ORG_DEPT, Role.UNIT_ADMIN)
    required_columns = ("干部编码", "开始日期", "调研地点编码", "调研主题")
    natural_key_columns = ("干部编码", "开始日期", "结束日期", "调研主题")
    extra_error_columns = {"places": "调研地点编码"}

    def code_columns(self):
        return [*super().code_columns(), ("调研地点编码", (Organization,), True)]

    def natural_key_of(self, row):
        start = str(row.get("开始日期") or "")
        return (row["干部编码"], start, str(row.get("结束日期") or start), row["调研主题"])

    cadre = Field(attribute="cadre", column_name="干部编码", widget=CodeWidget(Cadre, "干部"))
    start_date = Field(attribute="start_date", column_name="开始日期", widget=DateWidget())
    end_date = Field(attribute="end_date", column_name="结束日期", widget=DateWidget())
    places = Field(column_name="调研地点编码")
    title = Field(attribute="title", column_name="调研主题")
    place_type = Field(attribute="place_type", column_name="地点类型",
                       widget=ChoiceLabelWidget(ResearchTrip.PlaceType.choices))

    class Meta(ImportResource.Meta):
        model = ResearchTrip
        fields = ("cadre", "start_date", "end_date", "places", "title", "place_type")
        import_id_fields = ()

    def prefetch_related(self):
        return [*super().prefetch_related(), "trip_places__organization"]

    def dehydrate_places(self, trip):
        pending = getattr(trip, "_import_places", None)  # a row waiting for its batch
        if pending is not None:
            return ";".join(sorted(org.code for org in pending))
        return ";".join(sorted(tp.organization.code
                               for tp in stored_related(trip, "trip_places")))

    def natural_key_lookup(self, row):
        start = self.fields["start_date"].clean(row)
        end = self.fields["end_date"].clean(row) if "结束日期" in row else None
        return {"cadre__code": row["干部编码"], "start_date": start, "end_date": end or start,
                "title": row["调研主题"]}

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if instance.end_date is None:
            instance.end_date = instance.start_date  # empty = the same day
        instance.place_type = instance.place_type or ""
        codes = split_codes(row["调研地点编码"])
        found = codes_lookup(Organization, codes)
        missing = [c for c in codes if c not in found]
        if missing:
            errors["places"] = [f"单位编码「{'、'.join(missing)}」不存在"]
        instance._import_places = [found[c] for c in codes if c in found]
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not super().skip_row(instance, original, row, import_validation_errors):
            return False
        stored = {place.organization_id for place in stored_related(original, "trip_places")}
        return stored == {p.pk for p in instance._import_places}

    def save_instance(self, instance, is_create, row, **kwargs):
        super().save_instance(instance, is_create, row, **kwargs)
        if not self._meta.use_bulk:
            trip_places_set(trip=instance, places=instance._import_places,
                            acting_user=self.acting_user)

    def after_batch_saved(self, instances):
        super().after_batch_saved(instances)
        trips_places_set(trips_places=[(trip, trip._import_places) for trip in instances],
                         acting_user=self.acting_user)


@register_import
class ResearchReportResource(ImportResource):
    kind = "research_reports"
    label = "调研报告"
    roles = (Role.ORG_DEPT, Role.UNIT_ADMIN)
    required_columns = ("干部编码", "报告标题", "提交日期")
    natural_key_columns = ("干部编码", "报告标题")
    # A reviewed status is refused to a unit admin's file even when it is unchanged.
    skip_unchanged_cells = False

    cadre = Field(attribute="cadre", column_name="干部编码", widget=CodeWidget(Cadre, "干部"))
    title = Field(attribute="title", column_name="报告标题")
    submitted_on = Field(attribute="submitted_on", column_name="提交日期", widget=DateWidget())
    status = Field(attribute="status", column_name="状态",
                   widget=ChoiceLabelWidget(ResearchReport.Status.choices))

    class Meta(ImportResource.Meta):
        model = ResearchReport
        fields = ("cadre", "title", "submitted_on", "status")
        import_id_fields = ()

    def natural_key_lookup(self, row):
        return {"cadre__code": row["干部编码"], "title": row["报告标题"]}

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        instance.status = instance.status or ResearchReport.Status.SUBMITTED
        # Review outcomes come from historical ledgers: 组织部 (or the command line) may
        # import them; others submit, and reviewers decide in the platform.
        if (instance.status != ResearchReport.Status.SUBMITTED and self.acting_user is not None
                and not has_role(self.acting_user, Role.ORG_DEPT, Role.SYSADMIN)):
            raise ValidationError({"status": "只有组织部可以导入「已采纳」或「退回」的状态"})

"""Imports opinions and analysis reports (spec/import.md)."""

from __future__ import annotations

from import_export.fields import Field

from liaison.imports import (
    ChoiceLabelWidget,
    CodeWidget,
    DateWidget,
    ImportResource,
    YesNoWidget,
    register_import,
)
from liaison.models import Organization
from liaison.workdays import WorkingCalendar
from opinions.models import Opinion, OpinionAnalysis
from opinions.scopes import KEEPERS
from opinions.services import feedback_due, publication_texts


@register_import
class OpinionResource(ImportResource):
    kind = "opinions"
    label = "群众意见"
    roles = KEEPERS
    required_columns = ("意见编号", "收到日期", "渠道", "收集单位编码", "承办单位编码", "内容")
    natural_key_columns = ("意见编号",)

    code = Field(attribute="code", column_name="意见编号")
    received_on = Field(attribute="received_on", column_name="收到日期", widget=DateWidget())
    channel = Field(attribute="channel", column_name="渠道",
                    widget=ChoiceLabelWidget(Opinion.Channel.choices))
    collecting_unit = Field(attribute="collecting_unit", column_name="收集单位编码",
                            widget=CodeWidget(Organization, "单位"))
    handling_unit = Field(attribute="handling_unit", column_name="承办单位编码",
                          widget=CodeWidget(Organization, "单位"))
    content = Field(attribute="content", column_name="内容")
    category = Field(attribute="category", column_name="类别")
    result = Field(attribute="result", column_name="处理结果",
                   widget=ChoiceLabelWidget(Opinion.Result.choices))
    feedback_on = Field(attribute="feedback_on", column_name="反馈日期", widget=DateWidget())
    published = Field(attribute="published", column_name="公开", widget=YesNoWidget())

    class Meta(ImportResource.Meta):
        model = Opinion
        fields = ("code", "received_on", "channel", "collecting_unit", "handling_unit",
                  "content", "category", "result", "feedback_on", "published")
        import_id_fields = ("code",)

    def natural_key_lookup(self, row):
        return {"code": row["意见编号"]}

    def import_context(self):
        self.calendar = WorkingCalendar.load()  # read once for the whole file
        return super().import_context()

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        instance.category = instance.category or ""
        instance.result = instance.result or ""
        feedback_due(instance, getattr(self, "calendar", None) or WorkingCalendar.load())
        publication_texts(instance)


@register_import
class OpinionAnalysisResource(ImportResource):
    kind = "opinion_analyses"
    label = "意见分析研判"
    roles = KEEPERS
    required_columns = ("单位编码", "日期", "标题")
    natural_key_columns = ("单位编码", "日期", "标题")

    unit = Field(attribute="unit", column_name="单位编码", widget=CodeWidget(Organization, "单位"))
    date = Field(attribute="date", column_name="日期", widget=DateWidget())
    title = Field(attribute="title", column_name="标题")

    class Meta(ImportResource.Meta):
        model = OpinionAnalysis
        fields = ("unit", "date", "title")
        import_id_fields = ()

    def natural_key_lookup(self, row):
        try:
            return {"unit__code": row["单位编码"], "date": DateWidget().clean(row["日期"]),
                    "title": row["标题"]}
        except ValueError:
            return None

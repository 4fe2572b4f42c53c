from import_export import resources
from import_export.fields import Field

from liaison.compliance.engine import STATUS_LABELS
from liaison.compliance.registry import METRIC_LABELS
from liaison.models import Category
from supervision.models import ComplianceResult, PlausibilityFlag

CATEGORY_LABELS = dict(Category.choices)


class ResultResource(resources.ModelResource):
    """Export of compliance rows with Chinese headers and labels."""

    organization = Field(attribute="organization__name", column_name="单位")
    subject_code = Field(attribute="subject_code", column_name="编码")
    subject_name = Field(attribute="subject_name", column_name="名称")
    category = Field(column_name="干部类别")
    scope_code = Field(attribute="scope_code", column_name="联系社区")
    metric = Field(column_name="指标")
    target = Field(attribute="target", column_name="年度要求")
    actual = Field(attribute="actual", column_name="完成")
    expected_to_date = Field(attribute="expected_to_date", column_name="应完成（截至日期）")
    status = Field(column_name="状态")

    class Meta:
        model = ComplianceResult
        fields = ("organization", "subject_code", "subject_name", "category", "scope_code",
                  "metric", "target", "actual", "expected_to_date", "status")

    def dehydrate_category(self, row):
        return CATEGORY_LABELS.get(row.category, "")

    def dehydrate_metric(self, row):
        return METRIC_LABELS.get(row.metric, row.metric)

    def dehydrate_status(self, row):
        return STATUS_LABELS.get(row.status, row.status)


class FlagResource(resources.ModelResource):
    """Export of the plausibility flags (可信度提示) with the rule in words."""

    rule = Field(column_name="规则")
    record_kind = Field(column_name="记录类型")
    object_id = Field(attribute="object_id", column_name="记录ID")
    date = Field(attribute="date", column_name="记录日期")
    cadre_code = Field(attribute="cadre__code", column_name="干部编码")
    cadre_name = Field(attribute="cadre__name", column_name="干部")
    organization = Field(attribute="organization__name", column_name="单位")
    detail = Field(attribute="detail", column_name="情况")
    note = Field(column_name="说明")

    class Meta:
        model = PlausibilityFlag
        fields = ("rule", "record_kind", "object_id", "date", "cadre_code", "cadre_name",
                  "organization", "detail", "note")

    def dehydrate_rule(self, flag):
        return flag.rule_title

    def dehydrate_record_kind(self, flag):
        return flag.content_type.model_class()._meta.verbose_name \
            if flag.content_type.model_class() else flag.content_type.model

    def dehydrate_note(self, flag):
        return "提示不等于结论"

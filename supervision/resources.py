from import_export import resources
from import_export.fields import Field

from liaison.compliance.engine import STATUS_LABELS
from liaison.compliance.registry import METRIC_LABELS
from liaison.models import Category
from supervision.models import ComplianceResult, PlausibilityFlag, SpotCheckItem

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


class SpotItemResource(resources.ModelResource):
    """Sampled records with their call-backs: the referral list for 纪检监察 and the lists of
    a spot check's items, as Excel."""

    spot_check = Field(attribute="spot_check__title", column_name="抽查")
    position = Field(attribute="position", column_name="序号")
    unit = Field(attribute="unit__name", column_name="被抽查单位")
    kind = Field(column_name="记录类型")
    record_date = Field(attribute="record_date", column_name="记录日期")
    cadre_code = Field(attribute="cadre__code", column_name="干部编码")
    cadre = Field(attribute="cadre__name", column_name="干部")
    description = Field(attribute="description", column_name="记录内容")
    verifier = Field(column_name="核查人")
    callee = Field(attribute="callee", column_name="回访对象")
    called_at = Field(column_name="回访时间")
    statement = Field(attribute="statement", column_name="回访情况")
    result = Field(column_name="核实结果")

    class Meta:
        model = SpotCheckItem
        fields = ("spot_check", "position", "unit", "kind", "record_date", "cadre_code", "cadre",
                  "description", "verifier", "callee", "called_at", "statement", "result")

    def dehydrate_kind(self, item):
        from liaison.compliance.registry import CHECKABLE

        kind = CHECKABLE.get(item.kind)
        return kind.label if kind else item.kind

    def dehydrate_verifier(self, item):
        return verifier_name(item.verifier)

    def dehydrate_called_at(self, item):
        from django.utils import timezone

        return f"{timezone.localtime(item.called_at):%Y-%m-%d %H:%M}" if item.called_at else ""

    def dehydrate_result(self, item):
        return item.get_result_display() or "待核实"


def verifier_name(user) -> str:
    if user is None:
        return ""
    cadre = getattr(user, "cadre", None)
    name = (cadre.name if cadre else "") or user.get_full_name()
    return f"{name}（{user.username}）" if name else user.username

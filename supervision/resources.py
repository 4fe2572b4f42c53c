from import_export import resources
from import_export.fields import Field

from liaison.compliance.engine import STATUS_LABELS
from liaison.compliance.registry import METRIC_LABELS
from liaison.models import Category
from supervision.models import ComplianceResult

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

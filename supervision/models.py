"""Compliance results computed by runs, and the report files built for download."""

from django.conf import settings
from django.db import models

from liaison.models import Organization
from liaison.permissions import RestrictedQuerySet


class ComplianceRun(models.Model):
    """One computation of a year's compliance as of a date. The rows of the latest finished
    run of a (year, as-of) are what the dashboard and the PDFs show."""

    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "计算中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"
        SUPERSEDED = "superseded", "已被更新的计算取代"

    year = models.PositiveIntegerField("年度")
    as_of = models.DateField("截至日期")
    status = models.CharField("状态", max_length=16, choices=Status.choices,
                              default=Status.PENDING)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField("发起时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    row_count = models.PositiveIntegerField("结果行数", default=0)
    error = models.TextField("错误信息", blank=True)

    class Meta:
        verbose_name = "指标计算"
        verbose_name_plural = "指标计算"
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["year", "as_of", "status"])]

    def __str__(self) -> str:
        return f"第{self.pk}次计算（{self.year}年，截至{self.as_of:%Y-%m-%d}）"

    @property
    def who(self) -> str:
        return str(self.requested_by) if self.requested_by_id else "系统定时任务"


class ComplianceResult(models.Model):
    """A row of spec/compliance.md §8, with where the subject sits for grouping and scoping."""

    run = models.ForeignKey(ComplianceRun, on_delete=models.CASCADE, related_name="results")
    subject_type = models.CharField(max_length=16)
    subject_id = models.PositiveBigIntegerField()
    subject_code = models.CharField(max_length=32)
    subject_name = models.CharField(max_length=100)
    scope_code = models.CharField(max_length=32, blank=True)
    metric = models.CharField(max_length=40)
    target = models.PositiveIntegerField()
    actual = models.PositiveIntegerField()
    expected_to_date = models.PositiveIntegerField()
    status = models.CharField(max_length=16)
    # The subject's organization (a cadre's unit at the as-of date), its top-level unit under
    # the district, and its path, for drill-down and for scoping unit admins.
    organization = models.ForeignKey(Organization, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    top_unit = models.ForeignKey(Organization, null=True, on_delete=models.SET_NULL,
                                 related_name="+")
    org_path = models.CharField(max_length=255, blank=True)
    category = models.CharField(max_length=32, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "指标结果"
        verbose_name_plural = "指标结果"
        ordering = ["subject_type", "subject_code", "scope_code", "metric"]
        indexes = [
            models.Index(fields=["run", "metric", "status"]),
            models.Index(fields=["run", "top_unit"]),
            models.Index(fields=["run", "subject_type", "subject_id"]),
            models.Index(fields=["run", "org_path"]),
        ]

    def __str__(self) -> str:
        return f"{self.subject_code} {self.metric} {self.actual}/{self.target}"


class ReportFile(models.Model):
    """A PDF built in the background (large reports) and offered for download when ready."""

    class Status(models.TextChoices):
        PENDING = "pending", "生成中"
        DONE = "done", "已生成"
        FAILED = "failed", "失败"

    kind = models.CharField("报告类型", max_length=32)
    params = models.JSONField("参数", default=dict)
    status = models.CharField("状态", max_length=16, choices=Status.choices,
                              default=Status.PENDING)
    file = models.FileField("文件", upload_to="reports/generated/", blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="生成人",
                                     on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    error = models.TextField("错误信息", blank=True)

    class Meta:
        verbose_name = "报告文件"
        verbose_name_plural = "报告文件"
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.requested_at:%Y-%m-%d %H:%M}"

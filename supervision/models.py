"""Compliance results computed by runs, the report files built for download, the
inspectors' inspections with their rectification items, and random spot checks (双随机)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from liaison.history import RecordHistory
from liaison.models import Cadre, Organization, RecordVerification
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
    # An incremental run (after a write): only the parts holding these top-level units are
    # computed; the other parts' rows are copied from `base_run`, the published run of the
    # same year and as-of date (supervision.jobs.compliance_part_execute). Without them, or
    # when the base is no longer the latest published run by then, every part is computed.
    base_run = models.ForeignKey("self", verbose_name="增量计算的基础", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    touched_units = models.JSONField("涉及的单位", null=True, blank=True)

    class Meta:
        verbose_name = "指标计算"
        verbose_name_plural = "指标计算"
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["year", "as_of", "status"])]

    def __str__(self) -> str:
        return f"第{self.pk}次计算（{self.year}年，截至{self.as_of:%Y-%m-%d}）"

    @property
    def who(self) -> str:
        if self.requested_by_id:
            return str(self.requested_by)
        if self.base_run_id:
            return "系统（保存记录后只重算涉及的单位）"
        return "系统定时任务"


class ComplianceRunPart(models.Model):
    """One part of a split run (liaison.compliance.parts): its top units and cadres, computed
    and stored by one task. The run is published when its last part is done."""

    run = models.ForeignKey(ComplianceRun, on_delete=models.CASCADE, related_name="parts")
    number = models.PositiveSmallIntegerField("序号")
    status = models.CharField("状态", max_length=16, choices=ComplianceRun.Status.choices,
                              default=ComplianceRun.Status.PENDING)
    # The plan: the part's top-level units and the cadres placed under them (part 0: none,
    # it computes everything the other parts do not).
    top_units = models.JSONField(default=list)
    cadres = models.JSONField(default=list)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    row_count = models.PositiveIntegerField("结果行数", default=0)
    # A part of an incremental run that its write did not touch: its rows were copied from
    # the base run, not computed.
    copied = models.BooleanField("沿用上次结果", default=False)
    error = models.TextField("错误信息", blank=True)

    class Meta:
        verbose_name = "指标计算分片"
        verbose_name_plural = "指标计算分片"
        ordering = ["run", "number"]
        constraints = [models.UniqueConstraint(fields=["run", "number"],
                                               name="compliance_run_part_unique")]

    def __str__(self) -> str:
        return f"{self.run}第{self.number}片"


class ComplianceResult(models.Model):
    """A row of spec/compliance.md §8, with where the subject sits for grouping and scoping.

    A run writes tens of thousands of these at once (COPY), derived from rows it has just
    read. Their foreign keys are not database constraints: PostgreSQL checked each key of
    each row at COMMIT (a trigger per row and key, 1.5 s of a 9 s run at N=10, bench/). The
    ORM still cascades and sets null on delete."""

    # The indexes below begin with the run: no index of its own.
    run = models.ForeignKey(ComplianceRun, on_delete=models.CASCADE, related_name="results",
                            db_constraint=False, db_index=False)
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
                                     related_name="+", db_constraint=False)
    top_unit = models.ForeignKey(Organization, null=True, on_delete=models.SET_NULL,
                                 related_name="+", db_constraint=False)
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
    """A PDF built in the background (large reports) and offered for download when ready.

    The quarterly district bulletin in the 红头 layout (kind "official_bulletin") carries the
    document number (文号) and issuing body (发文机关) that 组织部 gave it; a document number
    is used once a year (its 〔year〕), unless the bulletin that had it failed to build.

    A pending file at progress 0 waits for its build; the build claims it by moving it to 1
    (supervision.jobs.report_claim), so that a duplicate delivery of the task never builds
    it twice."""

    class Status(models.TextChoices):
        PENDING = "pending", "生成中"
        DONE = "done", "已生成"
        FAILED = "failed", "失败"

    kind = models.CharField("报告类型", max_length=32)
    params = models.JSONField("参数", default=dict)
    status = models.CharField("状态", max_length=16, choices=Status.choices,
                              default=Status.PENDING)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    doc_number = models.CharField("文号", max_length=40, blank=True)
    doc_year = models.PositiveIntegerField("文号年份", null=True, blank=True)
    issuer = models.CharField("发文机关", max_length=50, blank=True)
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
        constraints = [models.UniqueConstraint(
            fields=["doc_year", "doc_number"], name="reportfile_doc_number_once_a_year",
            condition=~models.Q(doc_number="") & ~models.Q(status="failed"),
            violation_error_message="该文号本年度已使用，请使用新的文号")]

    def __str__(self) -> str:
        return f"{self.kind} {self.requested_at:%Y-%m-%d %H:%M}"


class Inspection(models.Model):
    """督查 (policy 四(三)): a regular or phased, scheduled or random, open or covert
    inspection of some units, its findings, and the rectification items it sets.

    The findings of a covert inspection (暗访) stay hidden from the inspected units until the
    inspectors publish them: until then the inspection does not exist for those units."""

    class Regularity(models.TextChoices):
        REGULAR = "regular", "经常性督查"
        PHASED = "phased", "阶段性督查"

    class Timing(models.TextChoices):
        SCHEDULED = "scheduled", "定期检查"
        RANDOM = "random", "随机抽查"

    class Manner(models.TextChoices):
        OPEN = "open", "明查"
        COVERT = "covert", "暗访"

    title = models.CharField("督查名称", max_length=100)
    regularity = models.CharField("督查类型", max_length=16, choices=Regularity.choices)
    timing = models.CharField("检查方式", max_length=16, choices=Timing.choices)
    manner = models.CharField("明查或暗访", max_length=16, choices=Manner.choices)
    organizer = models.ForeignKey(Organization, verbose_name="组织单位",
                                  on_delete=models.PROTECT, related_name="+")
    units = models.ManyToManyField(Organization, verbose_name="被督查单位",
                                   related_name="inspections")
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    inspectors = models.CharField("督查组成员", max_length=200)
    findings = models.TextField("发现的问题", blank=True)
    published_on = models.DateField("问题通报日期", null=True, blank=True,
                                    help_text="暗访发现的问题在通报后才对被督查单位可见")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+",
                                   editable=False)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    history = RecordHistory(m2m_fields=[units])
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "督查"
        verbose_name_plural = "督查"
        ordering = ["-start_date", "-pk"]

    def __str__(self) -> str:
        return f"{self.start_date:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:inspection_detail", args=[self.pk])

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "结束日期不能早于开始日期"})

    @property
    def is_hidden_from_units(self) -> bool:
        return self.manner == self.Manner.COVERT and self.published_on is None


class Rectification(models.Model):
    """整改事项: a problem an inspection found, the unit that must fix it by a deadline, the
    unit's report (已整改) and the inspectors' acceptance (已验收). Overdue (逾期) is not
    stored: an item still 整改中 after its deadline."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "整改中"
        REPORTED = "reported", "已整改（待验收）"
        ACCEPTED = "accepted", "已验收"

    inspection = models.ForeignKey(Inspection, verbose_name="督查", on_delete=models.CASCADE,
                                   related_name="rectifications")
    unit = models.ForeignKey(Organization, verbose_name="责任单位", on_delete=models.PROTECT,
                             related_name="rectifications")
    problem = models.TextField("问题")
    requirement = models.TextField("整改要求", blank=True)
    deadline = models.DateField("整改期限")
    status = models.CharField("状态", max_length=16, choices=Status.choices,
                              default=Status.IN_PROGRESS, editable=False)
    report = models.TextField("整改情况", blank=True, editable=False)
    reported_on = models.DateField("整改报告日期", null=True, blank=True, editable=False)
    return_reason = models.TextField("退回意见", blank=True, editable=False)
    accepted_on = models.DateField("验收日期", null=True, blank=True, editable=False)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="验收人", null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+",
                                    editable=False)

    history = RecordHistory()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "整改事项"
        verbose_name_plural = "整改事项"
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.unit.name}：{self.problem[:30]}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:rectification_detail", args=[self.pk])

    def is_overdue(self, today) -> bool:
        return self.status == self.Status.IN_PROGRESS and self.deadline < today


class FlagRun(models.Model):
    """One computation of the plausibility flags (liaison.plausibility): nightly by Celery
    beat, or on demand by an inspector. A finished run replaces every flag at once."""

    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "计算中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"
        SUPERSEDED = "superseded", "已被更新的计算取代"

    status = models.CharField("状态", max_length=16, choices=Status.choices,
                              default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField("发起时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    flag_count = models.PositiveIntegerField("提示条数", default=0)
    error = models.TextField("错误信息", blank=True)

    class Meta:
        verbose_name = "可信度提示计算"
        verbose_name_plural = "可信度提示计算"
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"第{self.pk}次可信度提示计算"

    @property
    def who(self) -> str:
        return str(self.requested_by) if self.requested_by_id else "系统定时任务"


class PlausibilityFlag(models.Model):
    """A record a plausibility rule flagged in the latest finished run: a signal for
    inspectors to look into, not a finding (提示不等于结论)."""

    run = models.ForeignKey(FlagRun, verbose_name="计算", on_delete=models.CASCADE,
                            related_name="flags")
    rule = models.CharField("规则", max_length=32, db_index=True)
    content_type = models.ForeignKey("contenttypes.ContentType", verbose_name="记录类型",
                                     on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField("记录ID")
    cadre = models.ForeignKey("liaison.Cadre", verbose_name="干部", null=True, blank=True,
                              on_delete=models.CASCADE, related_name="plausibility_flags")
    # The cadre's unit at the run (their latest position), or the unit of a unit's record:
    # for the unit filter and for scoping.
    org_path = models.CharField("单位路径", max_length=255, blank=True, db_index=True)
    organization = models.ForeignKey(Organization, verbose_name="单位", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    date = models.DateField("记录日期", null=True, blank=True)
    detail = models.CharField("情况", max_length=300)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "可信度提示"
        verbose_name_plural = "可信度提示"
        ordering = ["rule", "-date", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"]),
                   models.Index(fields=["cadre", "rule"])]

    def __str__(self) -> str:
        return f"{self.rule_title}：{self.content_type.name} #{self.object_id}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:flag_detail", args=[self.pk])

    @property
    def rule_title(self) -> str:
        from liaison.plausibility import RULES

        rule = RULES.get(self.rule)
        return rule.title if rule else self.rule


class SpotCheck(models.Model):
    """双随机抽查: a frame (record kinds, a period, target units, a sample size per unit) and
    the recorded random seed. The sample is a pure function of seed + frame + the records
    ordered by primary key (supervision.services.spot_sample_draw), so anyone can draw it again
    and compare (重新抽取核对). Verifiers are drawn from `pool` (empty: every 组织部 and
    纪检监察 user), never from the inspected unit."""

    title = models.CharField("抽查名称", max_length=100)
    organizer = models.ForeignKey(Organization, verbose_name="组织单位",
                                  on_delete=models.PROTECT, related_name="+")
    kinds = models.JSONField("抽查记录类型", default=list)
    period_start = models.DateField("记录起始日期")
    period_end = models.DateField("记录截止日期")
    units = models.ManyToManyField(Organization, verbose_name="被抽查单位",
                                   related_name="spot_checks")
    sample_size = models.PositiveSmallIntegerField("每个单位抽取条数")
    pool = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="核查人员范围",
                                  blank=True, related_name="+",
                                  help_text="不选则从全部组织部、纪检监察人员中随机抽取")
    seed = models.CharField("随机种子", max_length=64, editable=False)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="组织人", null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+",
                                   editable=False)
    created_at = models.DateTimeField("抽取时间", auto_now_add=True)

    history = RecordHistory(m2m_fields=[units, pool])
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "双随机抽查"
        verbose_name_plural = "双随机抽查"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("supervision:spotcheck_detail", args=[self.pk])

    def clean(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": "截止日期不能早于起始日期"})
        if self.sample_size is not None and not 1 <= self.sample_size <= 50:
            raise ValidationError({"sample_size": "每个单位抽取条数应在 1 到 50 之间"})


class SpotCheckItem(models.Model):
    """A sampled record, its randomly drawn verifier, and the verifier's call-back (回访):
    who was called, when, what they said, and the result. The record's result is also written
    to the core's RecordVerification, which the compliance engine reads (spec §10)."""

    Result = RecordVerification.Result

    spot_check = models.ForeignKey(SpotCheck, verbose_name="抽查", on_delete=models.CASCADE,
                                   related_name="items")
    position = models.PositiveIntegerField("序号")
    unit = models.ForeignKey(Organization, verbose_name="被抽查单位", on_delete=models.PROTECT,
                             related_name="+")
    kind = models.CharField("记录类型", max_length=32)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField("记录ID")
    cadre = models.ForeignKey(Cadre, verbose_name="干部", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    record_date = models.DateField("记录日期")
    description = models.TextField("记录内容")
    verifier = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核查人", null=True,
                                 on_delete=models.PROTECT, related_name="spot_items")
    callee = models.CharField("回访对象", max_length=100, blank=True,
                              help_text="被回访人的姓名及身份，如：住户户主、社区书记")
    called_at = models.DateTimeField("回访时间", null=True, blank=True)
    statement = models.TextField("回访情况", blank=True, help_text="被回访人所述情况")
    result = models.CharField("核实结果", max_length=16, choices=Result.choices, blank=True)
    verified_at = models.DateTimeField("记录时间", null=True, blank=True, editable=False)

    history = RecordHistory()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "抽查记录"
        verbose_name_plural = "抽查记录"
        ordering = ["spot_check", "position"]
        constraints = [models.UniqueConstraint(fields=["spot_check", "position"],
                                               name="spot_item_position")]
        indexes = [models.Index(fields=["result", "spot_check"]),
                   models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.spot_check.title} #{self.position}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:spotitem_detail", args=[self.pk])

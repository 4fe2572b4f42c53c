"""Research (调查研究, policy 三(一)): topics, trips and reports."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from liaison.history import RecordHistory
from liaison.models import Cadre, LedgerRecord, Organization, PeriodQuerySet
from liaison.permissions import RestrictedQuerySet


class ResearchTopic(models.Model):
    class Kind(models.TextChoices):
        MAJOR = "major", "区委常委重大调研课题"
        OWN = "own", "自定调研课题"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "待审定"
        APPROVED = "approved", "已审定"
        REJECTED = "rejected", "未通过"

    year = models.PositiveIntegerField("年度")
    title = models.CharField("课题名称", max_length=200)
    kind = models.CharField("课题类型", max_length=16, choices=Kind.choices, default=Kind.OWN)
    description = models.TextField("课题说明", blank=True)
    organization = models.ForeignKey(Organization, verbose_name="提出单位",
                                     on_delete=models.PROTECT, related_name="research_topics")
    status = models.CharField("状态", max_length=16, choices=Status.choices,
                              default=Status.PROPOSED)
    review_comment = models.TextField("审定意见", blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审定人", null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField("审定时间", null=True, blank=True)

    history = RecordHistory()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "调研课题"
        verbose_name_plural = "调研课题"
        ordering = ["-year", "title"]
        constraints = [models.UniqueConstraint(fields=["year", "title"], name="topic_unique_title",
                                               violation_error_message="本年度已有同名课题")]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("research:topic_detail", args=[self.pk])


class ResearchTrip(LedgerRecord):
    class PlaceType(models.TextChoices):
        COURTYARD = "courtyard", "居民院落"
        WORKSHOP = "workshop", "企业车间"
        SCHOOL = "school", "学校"
        HOSPITAL = "hospital", "医院"
        RURAL = "rural", "农村"
        OTHER = "other", "其他"

    ledger_date_fields = ("start_date", "end_date")
    MAX_DAYS = 31

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT,
                              related_name="research_trips")
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    places = models.ManyToManyField(Organization, verbose_name="调研地点",
                                    through="research.TripPlace", related_name="+")
    place_type = models.CharField("地点类型", max_length=16, choices=PlaceType.choices,
                                  blank=True)
    title = models.CharField("调研主题", max_length=200)
    topic = models.ForeignKey(ResearchTopic, verbose_name="所属课题", null=True,
                              blank=True, on_delete=models.PROTECT, related_name="trips")
    findings = models.TextField("调研发现", blank=True)
    problems = models.TextField("发现的问题", blank=True)
    actions = models.TextField("解决措施", blank=True)

    history = RecordHistory()  # places are audited by TripPlace's own history
    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = "调研"
        verbose_name_plural = "调研"
        ordering = ["-start_date", "-pk"]
        # Covering, as contactpoints.Visit's visit_cadre_days: research days read the index.
        indexes = [models.Index(fields=["cadre", "start_date", "end_date"], include=["id"],
                                name="trip_cadre_days"),
                   # The list's order (bench/load.py): see contactpoints.Visit.
                   models.Index(fields=["-start_date", "-id"], name="trip_list_order")]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "start_date", "end_date", "title"],
                                    name="trip_natural_key",
                                    violation_error_message="该干部同一日期同一主题的调研已登记"),
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                   name="trip_end_after_start",
                                   violation_error_message="结束日期不能早于开始日期"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.start_date:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("research:trip_detail", args=[self.pk])

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1


class TripPlace(models.Model):
    trip = models.ForeignKey(ResearchTrip, on_delete=models.CASCADE, related_name="trip_places")
    organization = models.ForeignKey(Organization, verbose_name="调研地点",
                                     on_delete=models.PROTECT, related_name="+")

    history = RecordHistory()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["trip", "organization"],
                                               name="trip_place_unique")]

    def __str__(self) -> str:
        return f"{self.trip} @ {self.organization}"


class ResearchReport(LedgerRecord):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "已提交"
        ADOPTED = "adopted", "已采纳"
        RETURNED = "returned", "退回"

    ledger_date_fields = ("submitted_on",)

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT,
                              related_name="research_reports")
    title = models.CharField("报告标题", max_length=200)
    topic = models.ForeignKey(ResearchTopic, verbose_name="所属课题", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="reports")
    file = models.FileField("报告文件", upload_to="reports/%Y/", blank=True)
    file_sha256 = models.CharField("文件指纹（SHA-256）", max_length=64, blank=True,
                                   db_index=True, editable=False)
    submitted_on = models.DateField("提交日期")
    status = models.CharField("状态", max_length=16, choices=Status.choices,
                              default=Status.SUBMITTED)
    review_comment = models.TextField("审阅意见", blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审阅人", null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")

    history = RecordHistory()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "调研报告"
        verbose_name_plural = "调研报告"
        ordering = ["-submitted_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["cadre", "title"],
                                               name="report_natural_key",
                                               violation_error_message="该干部已有同名调研报告")]

    def __str__(self) -> str:
        return f"{self.cadre.name}：{self.title}"

    def get_absolute_url(self) -> str:
        return reverse("research:report_detail", args=[self.pk])


class TripAttachment(models.Model):
    trip = models.ForeignKey(ResearchTrip, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("附件", upload_to="trips/%Y/")
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField("文件指纹（SHA-256）", max_length=64, blank=True, db_index=True,
                              editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    history = RecordHistory()

    class Meta:
        verbose_name = "调研附件"
        verbose_name_plural = "调研附件"

    def __str__(self) -> str:
        return self.original_name

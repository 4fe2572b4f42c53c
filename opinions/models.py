"""Collecting the public's opinions (征集群众意见, policy 三(五); spec/compliance.md §9)."""

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from liaison.models import LedgerRecord, Organization
from liaison.permissions import RestrictedQuerySet

FEEDBACK_DAYS = 30  # feedback due 30 days after receipt, on the working calendar


class Opinion(LedgerRecord):
    """An opinion from one of the channels, answered by its handling unit. Its feedback due
    date is stored, computed on the working calendar when saved and when the calendar
    changes, so that lists and the compliance rows are plain queries (as for petitions)."""

    class Channel(models.TextChoices):
        BOX = "box", "意见箱"
        HOTLINE = "hotline", "热线电话"
        FORM = "form", "征求意见表"
        ONLINE = "online", "网络平台"
        VISIT = "visit", "走访"
        TALK = "talk", "谈心谈话"
        RECEPTION = "reception", "接访"
        HEARING = "hearing", "听证会"
        SURVEY = "survey", "民意调查"
        OTHER = "other", "其他"

    class Result(models.TextChoices):
        ADOPTED = "adopted", "采纳"
        PARTLY = "partly", "部分采纳"
        REJECTED = "rejected", "不予采纳"
        RESOLVED = "resolved", "已解决"

    ledger_date_fields = ("received_on", "feedback_on")

    code = models.CharField("意见编号", max_length=32, unique=True, blank=True,
                            help_text="留空则自动编号")
    received_on = models.DateField("收到日期")
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)
    collecting_unit = models.ForeignKey(Organization, verbose_name="收集单位",
                                        on_delete=models.PROTECT, related_name="+")
    handling_unit = models.ForeignKey(Organization, verbose_name="承办单位",
                                      on_delete=models.PROTECT, related_name="opinions")
    content = models.TextField("内容")
    category = models.CharField("类别", max_length=50, blank=True)
    submitter_contact = models.CharField("提交人联系方式", max_length=100, blank=True)
    result = models.CharField("处理结果", max_length=16, choices=Result.choices, blank=True)
    explanation = models.TextField("处理说明", blank=True)
    feedback_on = models.DateField("反馈日期", null=True, blank=True)
    feedback_due = models.DateField("反馈期限", null=True, editable=False)
    published = models.BooleanField("公开", default=False,
                                    help_text="在公开反馈页展示（自动去除个人信息）")
    # What the public feedback page shows: the content and explanation with personal data
    # removed (liaison.personal.redact_personal), as the publisher saw and confirmed it.
    published_text = models.TextField("公开内容", blank=True, editable=False)
    published_explanation = models.TextField("公开处理说明", blank=True, editable=False)
    # Where it came from when forwarded by another system (e.g. a talk's code); a label, not
    # a foreign key: the opinions app does not depend on the others.
    source = models.CharField("来源记录", max_length=100, blank=True, editable=False)

    history = HistoricalRecords()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "群众意见"
        verbose_name_plural = "群众意见"
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["handling_unit", "feedback_due"])]

    def __str__(self) -> str:
        return f"{self.code} {self.content[:20]}"

    def get_absolute_url(self) -> str:
        return reverse("opinions:opinion_detail", args=[self.pk])


class OpinionAnalysis(LedgerRecord):
    """意见分析研判: a unit's periodic analysis of the opinions it collected (4 a year)."""

    ledger_date_fields = ("date",)

    unit = models.ForeignKey(Organization, verbose_name="单位", on_delete=models.PROTECT,
                             related_name="opinion_analyses")
    date = models.DateField("日期")
    title = models.CharField("标题", max_length=200)
    content = models.TextField("分析内容", blank=True)

    history = HistoricalRecords()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "意见分析研判"
        verbose_name_plural = "意见分析研判"
        ordering = ["-date", "unit__code"]
        constraints = [models.UniqueConstraint(
            fields=["unit", "date", "title"], name="opinion_analysis_natural_key",
            violation_error_message="该单位在该日期已有同名分析研判")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("opinions:analysis_detail", args=[self.pk])

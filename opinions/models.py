"""Collecting the public's opinions (征集群众意见, policy 三(五); spec/compliance.md §9)."""

from django.db import models
from django.urls import reverse
from django.utils import timezone

from liaison.history import RecordHistory
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
    ledger_unit_field = "collecting_unit"  # where a plausibility flag is kept

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

    history = RecordHistory()
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

    history = RecordHistory()
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


class Questionnaire(LedgerRecord):
    """征求意见表: a short questionnaire a unit opens to the public for a period. Its public
    page is reached by `key`, a random word, so that a draft's address cannot be guessed."""

    unit = models.ForeignKey(Organization, verbose_name="征求单位", on_delete=models.PROTECT,
                             related_name="questionnaires")
    title = models.CharField("标题", max_length=200)
    description = models.TextField("说明", blank=True,
                                   help_text="显示在公开页顶部，例如征求意见的目的和用途")
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("截止日期")
    closed_at = models.DateTimeField("提前结束时间", null=True, blank=True, editable=False)
    key = models.CharField("公开链接标识", max_length=32, unique=True, editable=False)

    history = RecordHistory()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "征求意见表"
        verbose_name_plural = "征求意见表"
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("opinions:questionnaire_detail", args=[self.pk])

    def state(self, today) -> str:
        """未开始, 征集中 or 已结束 on `today` (closed early counts as ended)."""
        if self.closed_at is not None or today > self.ends_on:
            return "已结束"
        return "未开始" if today < self.starts_on else "征集中"


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", "单选"
        MULTIPLE = "multiple", "多选"
        TEXT = "text", "文字"

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE,
                                      related_name="questions")
    position = models.PositiveSmallIntegerField("序号")
    kind = models.CharField("题型", max_length=10, choices=Kind.choices)
    text = models.CharField("题目", max_length=300)
    required = models.BooleanField("必答", default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "题目"
        verbose_name_plural = "题目"
        ordering = ["questionnaire", "position"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "position"],
                                               name="question_position_unique")]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"

    @property
    def is_choice(self) -> bool:
        return self.kind != self.Kind.TEXT


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField("序号")
    text = models.CharField("选项", max_length=200)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "选项"
        verbose_name_plural = "选项"
        ordering = ["question", "position"]

    def __str__(self) -> str:
        return self.text


class QuestionnaireResponse(models.Model):
    """One submission of the public page: all its answers were saved together. Nothing about
    the person is kept (no address, no contact)."""

    # Protected: a questionnaire with answers is closed, not deleted.
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT,
                                      related_name="responses")
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "答卷"
        verbose_name_plural = "答卷"
        ordering = ["submitted_at", "pk"]

    def __str__(self) -> str:
        return f"答卷 {self.pk}"


class Answer(models.Model):
    """One answer: a chosen option (a multiple-choice question has one row per option chosen)
    or a text. `opinion_code` names the opinion a text answer was turned into."""

    response = models.ForeignKey(QuestionnaireResponse, on_delete=models.CASCADE,
                                 related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    option = models.ForeignKey(Option, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="answers")
    text = models.TextField("回答", blank=True)
    opinion_code = models.CharField("转为群众意见", max_length=32, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "回答"
        verbose_name_plural = "回答"
        ordering = ["response", "question__position", "option__position"]
        constraints = [models.UniqueConstraint(fields=["response", "option"],
                                               condition=models.Q(option__isnull=False),
                                               name="answer_option_once")]
        indexes = [models.Index(fields=["question", "option"])]

    def __str__(self) -> str:
        return self.text[:20] if self.option_id is None else str(self.option)

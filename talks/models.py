"""Heart-to-heart talks (谈心谈话, policy 三(四); spec/compliance.md §9)."""

from django.db import models
from django.urls import reverse

from liaison.history import RecordHistory
from liaison.models import Cadre, Household, LedgerRecord
from liaison.permissions import RestrictedQuerySet


class Talk(LedgerRecord):
    """A talk initiated by one cadre with other cadres and/or households. Its content (the
    summary and the opinions raised) is private to the people in it, 组织部 and 纪检监察
    (talks.scopes); everybody else in scope sees only that it took place."""

    class Type(models.TextChoices):
        DAILY = "daily", "日常谈心"
        PRE_MEETING = "pre_meeting", "民主生活会前谈心"
        SECRETARY = "secretary", "党组织负责人与党员谈心"
        MASSES = "masses", "与联系群众谈心"

    class Form(models.TextChoices):
        INDIVIDUAL = "individual", "个别谈话"
        GROUP = "group", "集体座谈"
        CASUAL = "casual", "随机交流"

    ledger_date_fields = ("date",)
    ledger_cadre_field = "initiator"  # whom a plausibility flag is about (liaison.plausibility)

    code = models.CharField("谈话编号", max_length=32, unique=True, blank=True,
                            help_text="留空则自动编号")
    date = models.DateField("日期")
    initiator = models.ForeignKey(Cadre, verbose_name="发起人", on_delete=models.PROTECT,
                                  related_name="talks_initiated")
    type = models.CharField("类型", max_length=16, choices=Type.choices)
    form = models.CharField("形式", max_length=16, choices=Form.choices)
    cadres = models.ManyToManyField(Cadre, verbose_name="参与干部", blank=True,
                                    related_name="talks_joined")
    households = models.ManyToManyField(Household, verbose_name="参与住户", blank=True,
                                        related_name="talks")
    summary = models.TextField("内容摘要", blank=True)
    opinions_raised = models.TextField("群众意见", blank=True,
                                       help_text="每行一条；可逐条转入群众意见征集")

    history = RecordHistory(m2m_fields=[cadres, households])
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "谈心谈话"
        verbose_name_plural = "谈心谈话"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["initiator", "date"]),
                   models.Index(fields=["type", "date"])]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.initiator.name} {self.get_type_display()}"

    def get_absolute_url(self) -> str:
        return reverse("talks:talk_detail", args=[self.pk])

    def opinion_lines(self) -> list[str]:
        return [line.strip() for line in self.opinions_raised.splitlines() if line.strip()]


class TalkConfirmation(models.Model):
    """A participating cadre's one-tap confirmation that the talk took place as recorded: a
    talk with a participating cadre who has not confirmed is marked, and 纪检监察 lists them."""

    talk = models.ForeignKey(Talk, verbose_name="谈话", on_delete=models.CASCADE,
                             related_name="confirmations")
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE,
                              related_name="talk_confirmations")
    confirmed_at = models.DateTimeField("确认时间", auto_now_add=True)

    class Meta:
        verbose_name = "谈话确认"
        verbose_name_plural = "谈话确认"
        constraints = [models.UniqueConstraint(fields=["talk", "cadre"],
                                               name="talk_confirmed_once")]

    def __str__(self) -> str:
        return f"{self.cadre.name} 确认 {self.talk}"

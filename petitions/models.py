"""Regular reception of petitioners (定期接待群众来访, policy 三(三); spec/petitions.md): the
reception rota and the case ledger with its statutory clocks."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from liaison.history import RecordHistory
from liaison.models import Cadre, LedgerRecord, Organization
from liaison.permissions import RestrictedQuerySet

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_DIGITS = "10X98765432"


def validate_id_number(value: str) -> None:
    """A resident identity card number: 18 characters whose last is the check digit of
    GB 11643 (ISO 7064 MOD 11-2)."""
    text = value.upper()
    if len(text) != 18 or not text[:17].isdigit():
        raise ValidationError("身份证号应为 18 位（前 17 位为数字）")
    check = ID_CHECK_DIGITS[sum(int(d) * w for d, w in zip(text, ID_WEIGHTS, strict=False)) % 11]
    if text[17] != check:
        raise ValidationError("身份证号校验位不正确，请核对")


class ReceptionDay(LedgerRecord):
    """接访日 (spec §2): the host (A角) receives, or the substitute (B角) in their place."""

    class Mode(models.TextChoices):
        FIXED = "fixed", "定点接访"
        APPOINTMENT = "appointment", "重点约访"
        THEMATIC = "thematic", "专题接访"
        WITH_CASES = "with_cases", "带案下访"
        HOME_VISIT = "home_visit", "上门回访"

    ledger_date_fields = ("date",)
    ledger_cadre_field = "host"  # whom a plausibility flag is about (liaison.plausibility)

    date = models.DateField("接待日期")
    host = models.ForeignKey(Cadre, verbose_name="接待领导（A角）", on_delete=models.PROTECT,
                             related_name="receptions_hosted")
    substitute = models.ForeignKey(Cadre, verbose_name="B角", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="receptions_backed")
    received_by = models.ForeignKey(Cadre, verbose_name="实际接待人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="receptions_held")
    mode = models.CharField("接待方式", max_length=16, choices=Mode.choices)
    place = models.CharField("地点", max_length=100, blank=True)
    notes = models.TextField("备注", blank=True)

    history = RecordHistory()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "接访日"
        verbose_name_plural = "接访日"
        ordering = ["-date", "host__code"]
        constraints = [models.UniqueConstraint(
            fields=["date", "host"], name="reception_natural_key",
            violation_error_message="该领导在该日期已有接访日安排")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.host.name}接访"

    def get_absolute_url(self) -> str:
        return reverse("petitions:reception_detail", args=[self.pk])


def clock_running_q() -> models.Q:
    """Cases with a clock running (petitions.selectors.with_stage gives them a due date), as
    plain conditions on the stored dates so that an index can hold them: the overdue and
    due-soon filters read the running cases only, where they worked out every case's stage
    (bench/RESULTS.md). Wider only where a running clock's due date is missing: the due-date
    filter then leaves the case out."""
    return models.Q(re_review_decided_on__isnull=True) & (
        models.Q(re_review_requested_on__isnull=False)
        | models.Q(review_decided_on__isnull=True) & (
            models.Q(review_requested_on__isnull=False)
            | models.Q(replied_on__isnull=True)
            & ~models.Q(decision__in=["not_accepted", "transferred"])))  # Decision, not yet bound


class Petition(LedgerRecord):
    """信访事项 (spec §3). The due dates of the clocks (§4) are stored with the case, computed
    on the working calendar when the case is saved and again when the calendar changes, so
    that lists, counts and the compliance rows are plain database queries."""

    class Channel(models.TextChoices):
        VISIT = "visit", "来访"
        LETTER = "letter", "来信"
        ONLINE = "online", "网上信箱"
        HOTLINE = "hotline", "热线电话"
        RECEPTION_DAY = "reception_day", "接访日"
        FIELD = "field", "下访"

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", "受理"
        NOT_ACCEPTED = "not_accepted", "不予受理"
        TRANSFERRED = "transferred", "转送"

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", "满意"
        BASICALLY = "basically", "基本满意"
        DISSATISFIED = "dissatisfied", "不满意"

    COLLECTIVE_SIZE = 5  # 集体访: five people or more
    DECISION_DAYS, HANDLING_DAYS, REVIEW_DAYS = 15, 60, 30
    MAX_EXTENSION_DAYS = 30

    ledger_date_fields = ("received_on",)
    # A plausibility flag on a case is kept with its handling unit (no cadre field).
    ledger_unit_field = "handling_unit"

    code = models.CharField("信访编号", max_length=32, unique=True)
    received_on = models.DateField("登记日期")
    channel = models.CharField("来源渠道", max_length=16, choices=Channel.choices)
    people = models.PositiveIntegerField(
        "人数", default=1, validators=[MinValueValidator(1, "人数至少为 1")])
    reception = models.ForeignKey(ReceptionDay, verbose_name="接访日", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="petitions")
    petitioner_name = models.CharField("信访人姓名", max_length=50)
    petitioner_phone = models.CharField("联系电话", max_length=20, blank=True)
    petitioner_id_number = models.CharField("身份证号", max_length=18, blank=True,
                                            validators=[validate_id_number])
    summary = models.TextField("事项摘要")
    category = models.CharField("问题类别", max_length=40, blank=True)
    accused_cadres = models.ManyToManyField(Cadre, verbose_name="被反映人", blank=True,
                                            related_name="petitions_against")
    accused_units = models.ManyToManyField(Organization, verbose_name="被反映单位", blank=True,
                                           related_name="petitions_against")
    handling_unit = models.ForeignKey(Organization, verbose_name="承办单位",
                                      on_delete=models.PROTECT, related_name="petitions")
    responsible = models.ForeignKey(Cadre, verbose_name="责任人", on_delete=models.PROTECT,
                                    related_name="petitions_responsible")
    leader = models.ForeignKey(Cadre, verbose_name="包案领导", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="petitions_led")

    decision = models.CharField("受理结果", max_length=16, choices=Decision.choices, blank=True)
    decided_on = models.DateField("受理日期", null=True, blank=True)
    decision_note = models.CharField("不予受理理由／转送机关", max_length=200, blank=True)
    extension_days = models.PositiveSmallIntegerField(
        "延期天数", null=True, blank=True,
        validators=[MinValueValidator(1, "延期天数应为 1 至 30 天"),
                    MaxValueValidator(30, "延期天数应为 1 至 30 天")])
    extension_approver = models.ForeignKey(Cadre, verbose_name="延期批准人", null=True,
                                           blank=True, on_delete=models.PROTECT,
                                           related_name="petition_extensions")
    extension_reason = models.CharField("延期理由", max_length=200, blank=True)
    extension_granted_on = models.DateField("延期日期", null=True, blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True)
    reply_text = models.TextField("答复意见", blank=True,
                                  help_text="印入办理意见书：查明的事实、处理意见和依据")
    satisfaction = models.CharField("满意度", max_length=16, choices=Satisfaction.choices,
                                    blank=True)
    satisfaction_on = models.DateField("评价日期", null=True, blank=True)
    review_requested_on = models.DateField("复查申请日期", null=True, blank=True)
    review_decided_on = models.DateField("复查意见日期", null=True, blank=True)
    re_review_requested_on = models.DateField("复核申请日期", null=True, blank=True)
    re_review_decided_on = models.DateField("复核意见日期", null=True, blank=True)

    # The clocks' due dates on the working calendar (petitions.clocks.refresh_dues).
    decision_due = models.DateField("受理期限", null=True, editable=False)
    handling_due = models.DateField("办理期限", null=True, editable=False)
    handling_due_extended = models.DateField("延期后办理期限", null=True, editable=False)
    review_due = models.DateField("复查期限", null=True, editable=False)
    re_review_due = models.DateField("复核期限", null=True, editable=False)

    history = RecordHistory(m2m_fields=[accused_cadres, accused_units])
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "信访事项"
        verbose_name_plural = "信访事项"
        ordering = ["-received_on", "-code"]
        indexes = [models.Index(fields=["handling_unit", "received_on"]),
                   models.Index(fields=["decision_due"]), models.Index(fields=["handling_due"]),
                   # 重复访: the same ID number or phone within 12 months (selectors.repeat_q)
                   models.Index(fields=["petitioner_id_number", "received_on"]),
                   models.Index(fields=["petitioner_phone", "received_on"]),
                   # The running cases in the list's order: the overdue list's first page
                   # and its count read them alone (selectors.overdue_q).
                   models.Index(fields=["-received_on", "-code"], condition=clock_running_q(),
                                name="petition_clock_running")]
        constraints = [
            models.CheckConstraint(condition=models.Q(people__gte=1), name="petition_people"),
            models.CheckConstraint(
                condition=models.Q(extension_days__isnull=True)
                | models.Q(extension_days__gte=1, extension_days__lte=30),
                name="petition_extension_days"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.summary[:20]}"

    def get_absolute_url(self) -> str:
        return reverse("petitions:petition_detail", args=[self.pk])

    @property
    def is_collective(self) -> bool:
        return self.people >= self.COLLECTIVE_SIZE

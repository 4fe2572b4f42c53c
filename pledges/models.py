"""Party members' public pledges (承诺践诺, policy 三(六)) and in-service members' registration
with a community (在职党员到社区报到); spec/compliance.md §9, spec/import.md."""

import re
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from liaison.attachments import PHOTOS, UuidUploadTo
from liaison.history import RecordHistory
from liaison.models import Cadre, LedgerRecord, Organization
from liaison.permissions import RestrictedQuerySet
from pledges.sectors import CHOICES as SECTORS

ITEM_SEPARATORS = re.compile(r"[\n；;]")
MIN_ITEMS, MAX_ITEMS = 2, 5


def pledge_items(text: str) -> list[str]:
    return [item.strip() for item in ITEM_SEPARATORS.split(text or "") if item.strip()]


class PledgePost(models.Model):
    """设岗定责: a post a unit sets up for its Party members (党员先锋岗, 党员责任区...), with
    its responsibilities and the members assigned to it."""

    class Kind(models.TextChoices):
        VANGUARD = "vanguard", "党员先锋岗"
        DUTY_AREA = "duty_area", "党员责任区"
        MODEL = "model", "党员示范岗"
        SERVICE = "service", "党员服务岗"
        OTHER = "other", "其他岗位"

    name = models.CharField("岗位名称", max_length=60)
    kind = models.CharField("岗位类型", max_length=16, choices=Kind.choices)
    organization = models.ForeignKey(Organization, verbose_name="设岗单位",
                                     on_delete=models.PROTECT, related_name="pledge_posts")
    responsibilities = models.TextField("岗位职责")
    members = models.ManyToManyField(Cadre, verbose_name="在岗党员", blank=True,
                                     related_name="pledge_posts")
    entered_by = models.ForeignKey("liaison.User", verbose_name="录入人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)

    history = RecordHistory(m2m_fields=[members])
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "党员岗位"
        verbose_name_plural = "党员岗位"
        ordering = ["organization__code", "kind", "name"]
        constraints = [models.UniqueConstraint(
            fields=["organization", "name"], name="pledge_post_natural_key",
            violation_error_message="该单位已有同名岗位")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}·{self.name}"

    def get_absolute_url(self) -> str:
        return reverse("pledges:post_detail", args=[self.pk])


class Pledge(LedgerRecord):
    """A member's pledge for a year: 2 to 5 items, vetted and evaluated by the Party
    organization of `organization`."""

    class Rating(models.TextChoices):
        EXCELLENT = "excellent", "优秀"
        GOOD = "good", "合格"
        BASIC = "basic", "基本合格"
        POOR = "poor", "不合格"

    class Status(models.TextChoices):
        """Vetting (审核) by the Party organization before publication; a published pledge is
        one with a 公开日期 (see `stage`)."""
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "待审核"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "审核通过"

    PUBLISHED = "published"  # the stage after APPROVED, given by published_on
    STAGES = [*Status.choices, (PUBLISHED, "已公开")]

    ledger_date_fields = ("published_on", "rated_on")

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT,
                              related_name="pledges")
    year = models.PositiveIntegerField("年度")
    organization = models.ForeignKey(Organization, verbose_name="所在党组织",
                                     on_delete=models.PROTECT, related_name="pledges")
    post = models.ForeignKey(PledgePost, verbose_name="所在岗位", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="pledges",
                             help_text="设岗定责：承诺所对应的党员岗位")
    sector = models.CharField("领域", max_length=16, choices=SECTORS, blank=True,
                              help_text="按领域给出建议的承诺内容，可修改")
    items = models.TextField("承诺事项", help_text="2 至 5 项，每行一项")
    status = models.CharField("审核状态", max_length=16, choices=Status.choices,
                              default=Status.DRAFT, editable=False)
    submitted_at = models.DateTimeField("提交审核时间", null=True, blank=True, editable=False)
    vetted_at = models.DateTimeField("审核时间", null=True, blank=True, editable=False)
    vetted_by = models.ForeignKey("liaison.User", verbose_name="审核人", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+", editable=False)
    return_reason = models.TextField("退回原因", blank=True, editable=False)
    published_on = models.DateField("公开日期", null=True, blank=True)
    rating = models.CharField("评定等次", max_length=16, choices=Rating.choices, blank=True)
    rated_on = models.DateField("评定日期", null=True, blank=True)

    history = RecordHistory()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "党员承诺"
        verbose_name_plural = "党员承诺"
        ordering = ["-year", "cadre__code"]
        constraints = [models.UniqueConstraint(
            fields=["cadre", "year"], name="pledge_natural_key",
            violation_error_message="该干部在该年度已有承诺")]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.year}年承诺"

    def get_absolute_url(self) -> str:
        return reverse("pledges:pledge_detail", args=[self.pk])

    def item_list(self) -> list[str]:
        return pledge_items(self.items)

    @property
    def stage(self) -> str:
        """草稿, 待审核, 已退回, 审核通过 or 已公开 (a pledge with a 公开日期)."""
        return self.PUBLISHED if self.published_on else self.status

    def get_stage_display(self) -> str:
        return dict(self.STAGES)[self.stage]


class PledgeProgress(models.Model):
    """A dated progress note on one item of a published pledge (承诺践诺): the item's status is
    that of its latest note, 未开始 before the first."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "未开始"
        IN_PROGRESS = "in_progress", "推进中"
        BLOCKED = "blocked", "受阻"
        KEPT = "kept", "已兑现"
        PARTLY_KEPT = "partly_kept", "部分兑现"
        BROKEN = "broken", "未兑现"

    pledge = models.ForeignKey(Pledge, verbose_name="承诺", on_delete=models.CASCADE,
                               related_name="progress")
    item = models.PositiveSmallIntegerField("承诺事项序号")
    date = models.DateField("日期")
    status = models.CharField("状态", max_length=16, choices=Status.choices)
    note = models.TextField("进展说明")
    entered_by = models.ForeignKey("liaison.User", verbose_name="录入人", null=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    history = RecordHistory()

    class Meta:
        verbose_name = "承诺进展"
        verbose_name_plural = "承诺进展"
        ordering = ["pledge", "item", "date", "pk"]

    def __str__(self) -> str:
        return f"第{self.item}项 {self.date:%Y-%m-%d} {self.get_status_display()}"

    def photos(self) -> list:
        """The note's photos (from its prefetched evidence): what the public board shows."""
        return [e for e in self.evidence.all() if e.is_photo]


class ProgressEvidence(models.Model):
    """A photo or document proving a progress note (践诺佐证材料): checked by its bytes, stored
    under a generated name (photos re-encoded without metadata), served only by views that
    check the pledge's scope, or, for a photo of a published pledge, by its unguessable key on
    the public board."""

    progress = models.ForeignKey(PledgeProgress, verbose_name="承诺进展",
                                 on_delete=models.CASCADE, related_name="evidence")
    key = models.UUIDField("公开标识", default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField("佐证材料", upload_to=UuidUploadTo("pledges/evidence"))
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveIntegerField("大小")
    sha256 = models.CharField("文件指纹（SHA-256）", max_length=64, blank=True, db_index=True,
                              editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    history = RecordHistory()

    class Meta:
        verbose_name = "践诺佐证材料"
        verbose_name_plural = "践诺佐证材料"
        ordering = ["progress", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_photo(self) -> bool:
        return self.content_type in PHOTOS


class PledgeAmendment(models.Model):
    """A change to the wording of a published pledge: shown with its date on the public board,
    never a silent edit."""

    pledge = models.ForeignKey(Pledge, verbose_name="承诺", on_delete=models.CASCADE,
                               related_name="amendments")
    date = models.DateField("修改日期")
    before = models.TextField("修改前")
    after = models.TextField("修改后")
    reason = models.TextField("修改原因")
    entered_by = models.ForeignKey("liaison.User", verbose_name="录入人", null=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)

    history = RecordHistory()

    class Meta:
        verbose_name = "承诺修改记录"
        verbose_name_plural = "承诺修改记录"
        ordering = ["pledge", "date", "pk"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} 修改承诺"


class PledgeReview(models.Model):
    """评议: a review of a pledge by its member (自评), a fellow member (互评), a citizen with a
    one-time code (群众评议) or a leader (领导点评); the organization then assigns the grade."""

    class Kind(models.TextChoices):
        SELF = "self", "自评"
        PEER = "peer", "党员互评"
        MASSES = "masses", "群众评议"
        LEADER = "leader", "领导点评"

    class Verdict(models.TextChoices):
        SATISFIED = "satisfied", "满意"
        FAIRLY = "fairly", "基本满意"
        UNSATISFIED = "unsatisfied", "不满意"

    pledge = models.ForeignKey(Pledge, verbose_name="承诺", on_delete=models.CASCADE,
                               related_name="reviews")
    kind = models.CharField("评议方式", max_length=8, choices=Kind.choices)
    reviewer = models.ForeignKey(Cadre, verbose_name="评议人", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    verdict = models.CharField("评议结果", max_length=16, choices=Verdict.choices)
    comment = models.TextField("评议意见", blank=True)
    created_at = models.DateTimeField("评议时间", auto_now_add=True)

    class Meta:
        verbose_name = "承诺评议"
        verbose_name_plural = "承诺评议"
        ordering = ["pledge", "kind", "created_at"]
        constraints = [models.UniqueConstraint(
            fields=["pledge", "kind", "reviewer"], condition=models.Q(reviewer__isnull=False),
            name="pledge_reviewed_once_per_reviewer",
            violation_error_message="您已评议过这份承诺")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_verdict_display()}"


class ReviewCode(models.Model):
    """A one-time code the unit hands to a citizen: it rates one pledge of its organization
    and year, once."""

    organization = models.ForeignKey(Organization, verbose_name="党组织",
                                     on_delete=models.CASCADE, related_name="review_codes")
    year = models.PositiveIntegerField("年度")
    code = models.CharField("评议码", max_length=12, unique=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    used_at = models.DateTimeField("使用时间", null=True, blank=True)
    review = models.OneToOneField(PledgeReview, verbose_name="评议", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="code")

    class Meta:
        verbose_name = "群众评议码"
        verbose_name_plural = "群众评议码"
        ordering = ["organization", "year", "code"]

    def __str__(self) -> str:
        return self.code


class Registration(LedgerRecord):
    """在职党员到社区报到: a cadre registered with a community, from a date (open-ended)."""

    ledger_date_fields = ("start_date",)

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT,
                              related_name="registrations")
    community = models.ForeignKey(Organization, verbose_name="社区", on_delete=models.PROTECT,
                                  related_name="registrations")
    start_date = models.DateField("报到日期")
    end_date = models.DateField("结束日期", null=True, blank=True)

    history = RecordHistory()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "在职党员到社区报到"
        verbose_name_plural = "在职党员到社区报到"
        ordering = ["-start_date", "cadre__code"]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "community", "start_date"],
                                    name="registration_natural_key",
                                    violation_error_message="该干部在该日期已向该社区报到"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="registration_end_after_start",
                violation_error_message="结束日期不能早于报到日期"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} → {self.community.name}"

    def get_absolute_url(self) -> str:
        return reverse("pledges:registration_detail", args=[self.pk])


class ServiceActivity(models.Model):
    """双报到: an item of a community's needs list (社区需求清单) or a volunteer activity it
    publishes; registered members sign up and the community records their service hours."""

    class Kind(models.TextChoices):
        NEED = "need", "社区需求"
        ACTIVITY = "activity", "志愿服务活动"

    community = models.ForeignKey(Organization, verbose_name="社区", on_delete=models.PROTECT,
                                  related_name="service_activities")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    title = models.CharField("名称", max_length=100)
    description = models.TextField("内容", blank=True)
    date = models.DateField("日期", help_text="活动日期；需求为发布日期")
    capacity = models.PositiveSmallIntegerField("需要人数", null=True, blank=True)
    entered_by = models.ForeignKey("liaison.User", verbose_name="录入人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)

    history = RecordHistory()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "社区需求和志愿服务"
        verbose_name_plural = "社区需求和志愿服务"
        ordering = ["-date", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"

    def get_absolute_url(self) -> str:
        return reverse("pledges:activity_detail", args=[self.pk])


class ServiceSignup(models.Model):
    """A member signed up for a community's need or activity, with the service hours the
    community recorded."""

    activity = models.ForeignKey(ServiceActivity, verbose_name="需求或活动",
                                 on_delete=models.CASCADE, related_name="signups")
    cadre = models.ForeignKey(Cadre, verbose_name="党员", on_delete=models.PROTECT,
                              related_name="service_signups")
    signed_at = models.DateTimeField("报名时间", auto_now_add=True)
    hours = models.DecimalField("服务时长（小时）", max_digits=5, decimal_places=1, null=True,
                                blank=True)
    recorded_by = models.ForeignKey("liaison.User", verbose_name="记录人", null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")

    history = RecordHistory()

    class Meta:
        verbose_name = "志愿服务报名"
        verbose_name_plural = "志愿服务报名"
        ordering = ["activity", "signed_at"]
        constraints = [models.UniqueConstraint(fields=["activity", "cadre"],
                                               name="service_signup_once",
                                               violation_error_message="已报名")]

    def __str__(self) -> str:
        return f"{self.cadre.name} · {self.activity.title}"

"""Shared core: the organization tree, the cadre roster, households, contact assignments,
users and their scoped role grants. Rules that span rows live in liaison/services.py."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser, Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Substr
from django.urls import reverse

from liaison.history import RecordHistory
from liaison.permissions import RestrictedQuerySet
from liaison.personal import mask_name


class User(AbstractUser):
    must_change_password = models.BooleanField(
        "首次登录须修改密码", default=False,
        help_text="由组织部批量开通的账号在首次登录时必须修改初始密码。",
    )

    # Who opened, changed or disabled an account (#15); never the password hash.
    history = RecordHistory(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"


class Category(models.TextChoices):
    """Cadre categories of spec/compliance.md §1; the label is the import value."""

    DISTRICT_PRINCIPAL = "district_principal", "区委区政府主要领导"
    STANDING_COMMITTEE = "standing_committee", "区委常委"
    DISTRICT_LEADER = "district_leader", "其他区级领导干部"
    DEPARTMENT_HEAD = "department_head", "区直单位主要负责人"
    SUBDISTRICT_HEAD = "subdistrict_head", "办事处主要负责人"
    SUBDISTRICT_LEADER = "subdistrict_leader", "办事处班子成员"
    SECTION_CADRE = "section_cadre", "科级干部"
    COMMUNITY_CADRE = "community_cadre", "社区干部"
    PARTY_MEMBER = "party_member", "党员"


DISTRICT_LEVEL = frozenset(
    {Category.DISTRICT_PRINCIPAL, Category.STANDING_COMMITTEE, Category.DISTRICT_LEADER}
)
# Who may hold a 领导联系点 (spec/import.md, assignments).
LEADER_POINT_CATEGORIES = DISTRICT_LEVEL | {Category.SUBDISTRICT_HEAD, Category.SUBDISTRICT_LEADER}


def active_on_q(day: dt.date, prefix: str = "") -> Q:
    """Rows whose [start_date, end_date] period (end open when empty) contains `day`."""
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
    )


class PeriodQuerySet(RestrictedQuerySet):
    def active_on(self, day: dt.date):
        return self.filter(active_on_q(day))


class Organization(models.Model):
    class Type(models.TextChoices):
        DISTRICT = "district", "区"
        SUBDISTRICT = "subdistrict", "办事处"
        CLUSTER = "cluster", "集聚区"
        DEPARTMENT = "department", "区直单位"
        COMMUNITY = "community", "社区"

    # Allowed parent types per type (spec/import.md, organizations).
    PARENT_TYPES = {
        Type.DISTRICT: (),
        Type.SUBDISTRICT: (Type.DISTRICT,),
        Type.CLUSTER: (Type.DISTRICT,),
        Type.DEPARTMENT: (Type.DISTRICT,),
        Type.COMMUNITY: (Type.SUBDISTRICT, Type.CLUSTER),
    }

    code = models.CharField("单位编码", max_length=32, unique=True)
    name = models.CharField("单位名称", max_length=100)
    type = models.CharField("单位类型", max_length=16, choices=Type.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级单位", null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    # Materialized path of primary keys, "/1/5/9/": a subtree is one indexed prefix query.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    history = RecordHistory(excluded_fields=["path"])
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
        if path != self.path:
            old = self.path
            # Set the row's path and, after a move, its descendants' (no history rows).
            Organization.objects.filter(pk=self.pk).update(path=path)
            if old:
                Organization.objects.filter(path__startswith=old).exclude(pk=self.pk).update(
                    path=Concat(Value(path), Substr("path", len(old) + 1))
                )
            self.path = path

    def get_absolute_url(self) -> str:
        return reverse("organization_detail", args=[self.pk])

    def clean(self) -> None:
        allowed = self.PARENT_TYPES.get(self.type, ())
        if self.type == self.Type.DISTRICT:
            if self.parent_id:
                raise ValidationError({"parent": "「区」是根单位，不能有上级单位"})
            return
        if self.parent is None:
            raise ValidationError({"parent": "除「区」外必须填写上级单位"})
        if self.parent.type not in allowed:
            labels = "或".join(self.Type(t).label for t in allowed)
            raise ValidationError(
                {"parent": f"{self.get_type_display()}的上级单位应为{labels}，"
                           f"「{self.parent.code}」是{self.parent.get_type_display()}"}
            )
        if self.pk and self.parent.path.startswith(self.path or "\0"):
            raise ValidationError({"parent": "上级单位不能是本单位或其下级单位（循环引用）"})

    def subtree(self):
        return Organization.objects.filter(path__startswith=self.path)


class Cadre(models.Model):
    code = models.CharField("干部编码", max_length=32, unique=True)
    name = models.CharField("姓名", max_length=50)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    user = models.OneToOneField(
        User, verbose_name="登录账号", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="cadre",
    )

    history = RecordHistory()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "干部"
        verbose_name_plural = "干部"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


    def get_absolute_url(self) -> str:
        return reverse("cadre_detail", args=[self.pk])

class Position(models.Model):
    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="positions"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="单位", on_delete=models.PROTECT, related_name="positions"
    )
    category = models.CharField("类别", max_length=32, choices=Category.choices)
    start_date = models.DateField("任职开始日期")
    end_date = models.DateField("任职结束日期", null=True, blank=True)
    # 党组织负责人: the holder is the secretary of the organization's Party organization and
    # owes every member of exactly that organization two talks a year (compliance §9).
    party_secretary = models.BooleanField("党组织负责人", default=False)

    history = RecordHistory()
    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = "职务"
        verbose_name_plural = "职务"
        ordering = ["cadre__code", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "organization", "category", "start_date"],
                name="position_natural_key",
                violation_error_message="该干部在该单位同一类别同一开始日期的任职已存在",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="position_end_after_start",
                violation_error_message="任职结束日期不能早于开始日期",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} · {self.organization.name} · {self.get_category_display()}"

    def get_absolute_url(self) -> str:
        return reverse("cadre_detail", args=[self.cadre_id])

    def clean(self) -> None:
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "任职结束日期不能早于开始日期"})


class Household(models.Model):
    code = models.CharField("住户编码", max_length=32, unique=True)
    head_name = models.CharField("户主姓名", max_length=50)
    community = models.ForeignKey(
        Organization, verbose_name="社区", on_delete=models.PROTECT, related_name="households"
    )
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    is_poor = models.BooleanField("贫困户", default=False)

    history = RecordHistory()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "住户"
        verbose_name_plural = "住户"
        ordering = ["code"]

    def __str__(self) -> str:
        # Wherever a household is named (pickers, lists, history, messages) its head's name
        # is masked: the full name only on a logged reveal (liaison.personal, #15).
        return f"{self.code} {mask_name(self.head_name)}"

    def get_absolute_url(self) -> str:
        return reverse("household_detail", args=[self.pk])

    @property
    def poor_label(self) -> str:
        return "是" if self.is_poor else "否"

    def clean(self) -> None:
        if self.community_id and self.community.type != Organization.Type.COMMUNITY:
            raise ValidationError(
                {"community": f"「{self.community.code}」不是社区，住户只能属于社区"}
            )


class ContactParties:
    """Who contacts whom, for records naming a contact (a cadre, or a unit for
    单位联系社区) and a target (an organization, or a household): assignments and visits.
    Both use the kind values "unit_community" and "household"."""

    UNIT_KIND = "unit_community"
    HOUSEHOLD_KIND = "household"

    @property
    def contact(self):
        return self.unit if self.kind == self.UNIT_KIND else self.cadre

    @property
    def target(self):
        return self.target_household if self.kind == self.HOUSEHOLD_KIND else self.target_org

    @property
    def contact_code(self) -> str:
        return self.contact.code if self.contact else ""

    @property
    def target_code(self) -> str:
        return self.target.code if self.target else ""


class ContactAssignment(ContactParties, models.Model):
    class Kind(models.TextChoices):
        LEADER_POINT = "leader_point", "领导联系点"
        UNIT_COMMUNITY = "unit_community", "单位联系社区"
        HOUSEHOLD = "household", "党员联户"

    kind = models.CharField("联系类型", max_length=16, choices=Kind.choices)
    cadre = models.ForeignKey(
        Cadre, verbose_name="联系干部", null=True, blank=True,
        on_delete=models.PROTECT, related_name="assignments",
    )
    unit = models.ForeignKey(
        Organization, verbose_name="联系单位", null=True, blank=True,
        on_delete=models.PROTECT, related_name="unit_assignments",
    )
    target_org = models.ForeignKey(
        Organization, verbose_name="联系对象（单位）", null=True, blank=True,
        on_delete=models.PROTECT, related_name="assignments_as_target",
    )
    target_household = models.ForeignKey(
        Household, verbose_name="联系对象（住户）", null=True, blank=True,
        on_delete=models.PROTECT, related_name="assignments",
    )
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期", null=True, blank=True)

    history = RecordHistory()
    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = "联系关系"
        verbose_name_plural = "联系关系"
        ordering = ["kind", "start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="leader_point", cadre__isnull=False, unit__isnull=True,
                      target_org__isnull=False, target_household__isnull=True)
                    | Q(kind="unit_community", cadre__isnull=True, unit__isnull=False,
                        target_org__isnull=False, target_household__isnull=True)
                    | Q(kind="household", cadre__isnull=False, unit__isnull=True,
                        target_org__isnull=True, target_household__isnull=False)
                ),
                name="assignment_parties_match_kind",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="assignment_end_after_start",
                violation_error_message="结束日期不能早于开始日期",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.contact} → {self.target}"

    def get_absolute_url(self) -> str:
        return reverse("assignment_detail", args=[self.pk])

    def clean(self) -> None:
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "结束日期不能早于开始日期"})


class RoleGrant(models.Model):
    """A user holds a role (a Django group) over an organization subtree (DESIGN.md §1)."""

    user = models.ForeignKey(
        User, verbose_name="用户", on_delete=models.CASCADE, related_name="role_grants"
    )
    group = models.ForeignKey(Group, verbose_name="角色", on_delete=models.PROTECT)
    organization = models.ForeignKey(
        Organization, verbose_name="范围（含下级）", on_delete=models.PROTECT,
        related_name="role_grants",
    )

    history = RecordHistory()

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        constraints = [
            models.UniqueConstraint(fields=["user", "group", "organization"], name="unique_grant")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.group.name} · {self.organization}"


class ClosedYear(models.Model):
    """A year closed by 组织部: its ledger records can no longer be created, changed or deleted.
    Reopening deletes the row; both actions are in the history."""

    year = models.PositiveIntegerField("年度", unique=True)
    closed_by = models.ForeignKey(User, verbose_name="关闭人", on_delete=models.PROTECT,
                                  related_name="+")
    closed_at = models.DateTimeField("关闭时间", auto_now_add=True)

    history = RecordHistory()

    class Meta:
        verbose_name = "已关闭年度"
        verbose_name_plural = "已关闭年度"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年"


class LedgerRecord(models.Model):
    """Base of every activity record: who it is for is the subclass's business; who entered it
    and when is kept here. `ledger_date_fields` are checked against closed years."""

    ledger_date_fields: tuple[str, ...] = ()
    # Whom a plausibility flag on the record is about (liaison.plausibility): the cadre field
    # (default "cadre", when there is one) or else the unit field (default "unit").
    ledger_cadre_field: str = ""
    ledger_unit_field: str = ""

    entered_by = models.ForeignKey(User, verbose_name="录入人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    # Indexed: every dashboard and report counts the records saved since its figures'
    # computation (supervision.selectors.records_saved_since), over every ledger.
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_index=True)

    class Meta:
        abstract = True


class Quota(models.Model):
    """A yearly quota (spec/compliance.md §2); `category` is empty for metrics not by category.
    A year without rows of its own uses the latest earlier year's, else the policy defaults."""

    year = models.PositiveIntegerField("年度")
    metric = models.CharField("指标", max_length=40)
    category = models.CharField("干部类别", max_length=32, blank=True, choices=Category.choices)
    value = models.PositiveIntegerField("年度要求")

    history = RecordHistory()

    class Meta:
        verbose_name = "年度指标要求"
        verbose_name_plural = "年度指标要求"
        ordering = ["year", "metric", "category"]
        constraints = [models.UniqueConstraint(fields=["year", "metric", "category"],
                                               name="quota_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.metric} {self.category or '—'} = {self.value}"


class ImportLock(models.Model):
    """One row per import kind: an import updates its row first, so that imports of the same
    kind run one at a time and the second sees what the first wrote (#15: two concurrent
    imports of one file both reported every row new and saved it twice). The audit sealing
    (liaison.audit) serializes on its own row the same way."""

    kind = models.CharField("导入类型", max_length=32, primary_key=True)
    taken_at = models.DateTimeField("最近开始时间")

    class Meta:
        verbose_name = "导入锁"
        verbose_name_plural = "导入锁"

    def __str__(self) -> str:
        return self.kind


class CalendarDay(models.Model):
    """A row of the working calendar (spec/petitions.md §1): a rest day (休) or a make-up
    working day (班, a weekend day worked). Days without a row follow the week: Saturdays and
    Sundays rest. Filled at installation from the chinese-calendar package."""

    class Kind(models.TextChoices):
        REST = "rest", "休"
        WORK = "work", "班"

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    name = models.CharField("名称", max_length=40, blank=True)

    history = RecordHistory()

    class Meta:
        verbose_name = "工作日历"
        verbose_name_plural = "工作日历"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()


class Notification(models.Model):
    """An in-app message to one user (a deadline coming, a case overdue). `key` names what it
    is about, so that a daily job run twice tells nobody twice."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE,
                             related_name="notifications")
    text = models.CharField("内容", max_length=300)
    url = models.CharField("链接", max_length=300, blank=True)
    key = models.CharField("事由", max_length=120)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "key"],
                                               name="notification_once_per_key")]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.text


class PersonalDataAccess(models.Model):
    """Who saw or exported personal data in full, and when (spec/petitions.md §6; #15):
    petitioners' identities on a case page, a household's data revealed by a click, every
    export holding personal data with the reason given. Read by 纪检监察; never edited."""

    class Action(models.TextChoices):
        VIEW = "view", "查看"
        EXPORT = "export", "导出"

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.PROTECT,
                             related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    action = models.CharField("操作", max_length=8, choices=Action.choices)
    record_type = models.CharField("记录类型", max_length=40)
    record_id = models.PositiveBigIntegerField("记录ID", null=True, blank=True)
    record_label = models.CharField("记录", max_length=100, blank=True)
    rows = models.PositiveIntegerField("条数", default=1)
    reason = models.CharField("事由", max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "个人信息访问记录"
        verbose_name_plural = "个人信息访问记录"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} {self.get_action_display()} {self.record_type} {self.record_label}"


class ThrottleCount(models.Model):
    """How often a key (an address, a unit) used a rate-limited public page in its current
    window (liaison.throttle): one row per key, counted by an atomic UPDATE, so that
    concurrent requests never both take the last allowed use."""

    key = models.CharField("键", max_length=200, unique=True)
    window_end = models.DateTimeField("窗口结束", db_index=True)
    used = models.PositiveIntegerField("次数", default=0)

    class Meta:
        verbose_name = "访问频率计数"
        verbose_name_plural = "访问频率计数"

    def __str__(self) -> str:
        return f"{self.key} {self.used}"


class AuditSeal(models.Model):
    """One link of the audit chain (#15): a history row's digest, chained to the link before
    it by a SHA-256 hash. liaison.audit seals new history rows; `manage.py verify_audit`
    finds a history row or a link that was edited or deleted afterwards."""

    history_model = models.CharField("历史表", max_length=100)
    history_id = models.BigIntegerField("历史记录ID")
    digest = models.CharField("内容摘要", max_length=64)
    prev_hash = models.CharField("前一环哈希", max_length=64)
    hash = models.CharField("本环哈希", max_length=64)
    sealed_at = models.DateTimeField("封存时间", auto_now_add=True)

    class Meta:
        verbose_name = "审计封存"
        verbose_name_plural = "审计封存"
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["history_model", "history_id"],
                                               name="audit_seal_once")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.history_model}:{self.history_id}"


class RecordVerification(models.Model):
    """One verification of an activity record by a spot check's call-back (spec/compliance.md
    §10). Written by supervision's service; the compliance engine reads it: a record whose
    latest verification (`latest`) is 不属实 counts in no metric's actual. Kept in the core
    because the engine may not import supervision."""

    class Result(models.TextChoices):
        TRUE = "true", "属实"
        UNTRUE = "untrue", "不属实"
        UNVERIFIABLE = "unverifiable", "无法核实"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField("记录ID")
    result = models.CharField("核实结果", max_length=16, choices=Result.choices)
    latest = models.BooleanField("最新结果", default=True)
    source = models.CharField("来源", max_length=100, blank=True)
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)
    recorded_by = models.ForeignKey(User, verbose_name="记录人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    history = RecordHistory()

    class Meta:
        verbose_name = "记录核实结果"
        verbose_name_plural = "记录核实结果"
        ordering = ["-recorded_at", "-pk"]
        indexes = [
            # The engine's NOT EXISTS: the latest 不属实 results only.
            models.Index(fields=["content_type", "object_id"], name="verification_untrue",
                         condition=Q(latest=True, result="untrue")),
            models.Index(fields=["content_type", "object_id", "latest"],
                         name="verification_latest"),
        ]
        constraints = [models.UniqueConstraint(
            fields=["content_type", "object_id"], condition=Q(latest=True),
            name="one_latest_verification")]

    def __str__(self) -> str:
        return f"{self.content_type.model}#{self.object_id} {self.get_result_display()}"


class ImportJob(models.Model):
    """A large file's import run in the background (#16): its preview (a dry run) or its
    import, with the progress its page polls and, once done, what the preview shows."""

    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "处理中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    kind = models.CharField("导入类型", max_length=32)
    filename = models.CharField("文件名", max_length=255)
    file_token = models.CharField(max_length=64)  # the upload in liaison.pending_imports
    dry_run = models.BooleanField("仅预览", default=True)
    requested_by = models.ForeignKey(User, verbose_name="发起人", on_delete=models.CASCADE,
                                     related_name="+")
    requested_at = models.DateTimeField("发起时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices,
                              default=Status.PENDING)
    rows_total = models.PositiveIntegerField("总行数", default=0)
    new = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("不变", default=0)
    errors = models.JSONField("错误", default=list, blank=True)
    preview = models.JSONField("预览行", default=list, blank=True)
    error = models.TextField("失败原因", blank=True)

    class Meta:
        verbose_name = "后台导入"
        verbose_name_plural = "后台导入"
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "kind", "status"])]

    def __str__(self) -> str:
        return f"{self.filename}（{'预览' if self.dry_run else '导入'}）"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

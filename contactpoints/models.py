"""Grassroots contact points (基层联系点, policy 三(二)): the visits that cadres and units make."""

from django.db import models
from django.urls import reverse

from liaison.history import RecordHistory
from liaison.models import (
    Cadre,
    ContactParties,
    Household,
    LedgerRecord,
    Organization,
    PeriodQuerySet,
)
from liaison.personal import mask_address, shown


class Visit(ContactParties, LedgerRecord):
    class Kind(models.TextChoices):
        LEADER_POINT = "leader_point", "领导联系点"
        UNIT_COMMUNITY = "unit_community", "单位联系社区"
        HOUSEHOLD = "household", "入户走访"

    ledger_date_fields = ("start_date", "end_date")

    kind = models.CharField("联系类型", max_length=16, choices=Kind.choices)
    cadre = models.ForeignKey(Cadre, verbose_name="干部", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="visits")
    unit = models.ForeignKey(Organization, verbose_name="联系单位", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="unit_visits")
    target_org = models.ForeignKey(Organization, verbose_name="联系点/社区", null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="visits")
    target_household = models.ForeignKey(Household, verbose_name="住户", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="visits")
    participants = models.ManyToManyField(Cadre, verbose_name="参加干部", blank=True,
                                          related_name="unit_visits_joined")
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    policy_explained = models.TextField("宣传政策", blank=True)
    situation_learned = models.TextField("了解情况", blank=True)
    problems_raised = models.TextField("反映问题", blank=True)
    problems_solved = models.TextField("解决问题", blank=True)

    history = RecordHistory(m2m_fields=[participants])
    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = "走访"
        verbose_name_plural = "走访"
        ordering = ["-start_date", "-pk"]
        indexes = [
            # Covering: distinct days (liaison.compliance.queries) sweep a cadre's visits in
            # start order from the index alone, the NOT EXISTS of untrue checks reading the id;
            # the walkthrough's households visited too (liaison.metrics).
            models.Index(fields=["kind", "cadre", "start_date"],
                         include=["end_date", "id", "target_household"],
                         name="visit_cadre_days"),
            models.Index(fields=["kind", "unit", "target_org", "start_date"]),
            # The list's order: its first page is read from the index instead of sorting
            # every visit in scope (bench/load.py).
            models.Index(fields=["-start_date", "-id"], name="visit_list_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="leader_point", cadre__isnull=False, unit__isnull=True,
                             target_org__isnull=False, target_household__isnull=True)
                    | models.Q(kind="unit_community", cadre__isnull=True, unit__isnull=False,
                               target_org__isnull=False, target_household__isnull=True)
                    | models.Q(kind="household", cadre__isnull=False, unit__isnull=True,
                               target_org__isnull=True, target_household__isnull=False)
                ),
                name="visit_parties_match_kind",
            ),
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                   name="visit_end_after_start",
                                   violation_error_message="结束日期不能早于开始日期"),
            # One visit per contact, target and start date, whatever two requests race; on
            # PostgreSQL exclusion constraints also refuse overlapping dates (migrations
            # 0003 and 0008), which the rules check before saving.
            *(models.UniqueConstraint(fields=fields, condition=models.Q(kind=kind),
                                      name=f"visit_once_per_day_{kind}",
                                      violation_error_message="同一联系人对同一对象在该日期已有走访记录")
              for kind, fields in (
                  ("leader_point", ["cadre", "target_org", "start_date"]),
                  ("unit_community", ["unit", "target_org", "start_date"]),
                  ("household", ["cadre", "target_household", "start_date"]))),
        ]

    def __str__(self) -> str:
        return (f"{self.get_kind_display()} {self.contact} → {self.target} "
                f"{self.start_date:%Y-%m-%d}")

    def get_absolute_url(self) -> str:
        return reverse("contactpoints:visit_detail", args=[self.pk])

    def target_label(self, *, names_visible: bool) -> str:
        """Whom the visit was for, as people recognise a household: its code, its head's name
        and its street (masked, the surname and the road only, unless the user may see them)."""
        if self.kind == self.Kind.HOUSEHOLD and self.target_household_id:
            household = self.target_household
            label = f"{household.code} {shown(household.head_name, names_visible)}"
            if household.address:
                label += f" · {shown(household.address, names_visible, mask_address)}"
            return label
        return self.target_org.name if self.target_org_id else ""


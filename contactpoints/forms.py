"""Entry forms of the three kinds of visit. Pickers list the likely choices first: the cadre's
(or unit's) active contact assignments, then the cadre's own community, then the rest of
what the user may see."""

from __future__ import annotations

from django import forms
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils import timezone

from contactpoints.models import Visit
from liaison.forms import (
    HOUSEHOLD_GROUPS,
    CadreLedgerForm,
    CheckboxList,
    GroupedModelChoiceField,
    GroupedModelMultipleChoiceField,
    ScopedModelForm,
    household_choices,
    household_label,
    visible_assignments,
)
from liaison.models import Cadre, ContactAssignment, Household, Organization, active_on_q
from liaison.permissions import VIEW

K = ContactAssignment.Kind
T = Organization.Type
DETAIL_FIELDS = ["policy_explained", "situation_learned", "problems_raised", "problems_solved"]
DETAIL_WIDGETS = {name: forms.Textarea(attrs={"rows": 2}) for name in DETAIL_FIELDS}


def _rank(condition, then=0, default=1):
    return Case(When(condition, then=Value(then)), default=Value(default),
                output_field=IntegerField())


class VisitDetailsMixin:
    def setup_dates(self):
        self.fields["end_date"].required = False
        self.fields["end_date"].help_text = "不填表示当天"
        if not self.instance.pk:
            self.initial["start_date"] = self.initial.get("start_date") or timezone.localdate()


class LeaderPointVisitForm(VisitDetailsMixin, CadreLedgerForm):
    """领导联系点: the cadre's active leader-point assignments are offered first."""

    target_org = GroupedModelChoiceField(queryset=Organization.objects.none(), label="联系点",
                                         empty_label="请选择联系点")

    class Meta:
        model = Visit
        fields = ["cadre", "target_org", "start_date", "end_date", *DETAIL_FIELDS]
        widgets = DETAIL_WIDGETS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.kind = Visit.Kind.LEADER_POINT
        self.setup_dates()
        cadre, today = self.selected_cadre(), timezone.localdate()
        mine = ContactAssignment.objects.filter(active_on_q(today), kind=K.LEADER_POINT,
                                                cadre=cadre, target_org=OuterRef("pk"))
        field = self.fields["target_org"]
        field.queryset = Organization.objects.filter(
            Q(pk__in=Organization.objects.restrict(self.user, VIEW).values("pk"))
            | Q(pk__in=visible_assignments(self.user, K.LEADER_POINT).filter(cadre=cadre)
                .values("target_org")),
            type__in=[T.SUBDISTRICT, T.CLUSTER, T.COMMUNITY],
        ).annotate(rank=_rank(Exists(mine))).order_by("rank", "type", "code")
        field.group_of = lambda org: "我的联系点" if org.rank == 0 else "其他单位（须有联系关系）"


class UnitVisitForm(VisitDetailsMixin, ScopedModelForm):
    """单位联系社区: a 区直单位 visits a community, with the cadres who took part."""

    scoped_fields = {"unit": VIEW}
    target_org = GroupedModelChoiceField(queryset=Organization.objects.none(), label="社区",
                                         empty_label="请选择社区")
    participants = forms.ModelMultipleChoiceField(
        queryset=Cadre.objects.all(), label="参加干部", required=False, widget=CheckboxList)

    class Meta:
        model = Visit
        fields = ["unit", "target_org", "participants", "start_date", "end_date",
                  *DETAIL_FIELDS]
        widgets = DETAIL_WIDGETS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.kind = Visit.Kind.UNIT_COMMUNITY
        self.setup_dates()
        self.fields["unit"].required = True
        self.fields["unit"].queryset = self.fields["unit"].queryset.filter(type=T.DEPARTMENT)
        self.fields["participants"].queryset = Cadre.objects.restrict(self.user, VIEW)
        unit_id = (self["unit"].data if self.is_bound else self.initial.get("unit")) or None
        assigned = visible_assignments(self.user, K.UNIT_COMMUNITY)
        today = timezone.localdate()
        mine = ContactAssignment.objects.filter(active_on_q(today), kind=K.UNIT_COMMUNITY,
                                                unit_id=unit_id if str(unit_id).isdigit()
                                                else None, target_org=OuterRef("pk"))
        field = self.fields["target_org"]
        field.queryset = Organization.objects.filter(
            Q(pk__in=Organization.objects.restrict(self.user, VIEW).values("pk"))
            | Q(pk__in=assigned.values("target_org")), type=T.COMMUNITY,
        ).annotate(rank=_rank(Exists(mine))).order_by("rank", "code")
        field.group_of = lambda org: "本单位联系的社区" if org.rank == 0 else "其他社区"


class HouseholdVisitForm(VisitDetailsMixin, CadreLedgerForm):
    """One 入户走访 (editing a visit made to one household)."""

    target_household = GroupedModelChoiceField(queryset=Household.objects.none(), label="住户",
                                               empty_label="请选择住户")

    class Meta:
        model = Visit
        fields = ["cadre", "target_household", "start_date", "end_date", *DETAIL_FIELDS]
        widgets = DETAIL_WIDGETS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.kind = Visit.Kind.HOUSEHOLD
        self.setup_dates()
        field = self.fields["target_household"]
        field.queryset = household_choices(self.user, self.selected_cadre(),
                                           timezone.localdate())
        field.group_of = lambda h: HOUSEHOLD_GROUPS[h.rank]
        field.label_from_instance = household_label


class HouseholdVisitsForm(VisitDetailsMixin, CadreLedgerForm):
    """入户走访: several households visited on the same day(s), one entry."""

    households = GroupedModelMultipleChoiceField(
        queryset=Household.objects.none(), label="走访住户", widget=CheckboxList,
        help_text="可选多户，每户登记一次走访",
        error_messages={"required": "请至少选择一户"},
    )

    class Meta:
        model = Visit
        fields = ["cadre", "start_date", "end_date", *DETAIL_FIELDS]
        widgets = DETAIL_WIDGETS

    field_order = ["cadre", "households", "start_date", "end_date", *DETAIL_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.kind = Visit.Kind.HOUSEHOLD
        self.setup_dates()
        field = self.fields["households"]
        field.queryset = household_choices(self.user, self.selected_cadre(),
                                           timezone.localdate())
        field.group_of = lambda h: HOUSEHOLD_GROUPS[h.rank]
        field.label_from_instance = household_label

    def details(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in DETAIL_FIELDS}


FORMS_BY_KIND = {
    Visit.Kind.LEADER_POINT: LeaderPointVisitForm,
    Visit.Kind.UNIT_COMMUNITY: UnitVisitForm,
    Visit.Kind.HOUSEHOLD: HouseholdVisitForm,
}

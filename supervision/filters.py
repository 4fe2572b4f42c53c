import django_filters
from django.db.models import Q

from liaison.filters import SearchFilterSet, subtree_filter, year_filter, yes_no_filter
from liaison.models import Cadre, Organization
from liaison.plausibility import flag_rules
from supervision.models import Inspection, PlausibilityFlag, Rectification, SpotCheck, SpotCheckItem
from supervision.selectors import overdue_q


class InspectionFilterSet(SearchFilterSet):
    search_fields = ("title", "findings", "inspectors")
    regularity = django_filters.ChoiceFilter(label="督查类型",
                                             choices=Inspection.Regularity.choices)
    timing = django_filters.ChoiceFilter(label="检查方式", choices=Inspection.Timing.choices)
    manner = django_filters.ChoiceFilter(label="明查或暗访", choices=Inspection.Manner.choices)
    year = year_filter(field_name="start_date", lookup_expr="year")

    class Meta:
        model = Inspection
        fields = ["q", "regularity", "timing", "manner", "year"]


class RectificationFilterSet(SearchFilterSet):
    search_fields = ("problem", "report", "unit__name", "inspection__title")
    unit = subtree_filter("责任单位（含下级）", "unit__path")
    status = django_filters.ChoiceFilter(label="状态", choices=Rectification.Status.choices)
    overdue = yes_no_filter("逾期", method="only_overdue")

    class Meta:
        model = Rectification
        fields = ["q", "unit", "status", "overdue"]

    def only_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())


def rule_choices() -> list[tuple[str, str]]:
    return [(rule.code, rule.title) for rule in flag_rules()]


class FlagFilterSet(SearchFilterSet):
    search_fields = ("detail", "cadre__name", "cadre__code")
    rule = django_filters.ChoiceFilter(label="规则", choices=rule_choices)
    unit = subtree_filter("单位（含下级）", "org_path")
    cadre = django_filters.ModelChoiceFilter(label="干部", queryset=Cadre.objects.all())
    year = year_filter(field_name="date", lookup_expr="year", label="记录年度")

    class Meta:
        model = PlausibilityFlag
        fields = ["q", "rule", "unit", "cadre", "year"]


def kind_choices():
    from liaison.compliance.registry import CHECKABLE

    return [(kind.name, kind.label) for kind in CHECKABLE.values()]


class SpotCheckFilterSet(SearchFilterSet):
    search_fields = ("title",)
    unit = django_filters.ModelChoiceFilter(label="被抽查单位（含下级）",
                                            queryset=Organization.objects.all(),
                                            method="with_unit_under")
    year = year_filter(field_name="period_start", lookup_expr="year")

    class Meta:
        model = SpotCheck
        fields = ["q", "unit", "year"]

    def with_unit_under(self, queryset, name, org):
        units = SpotCheck.units.through.objects.filter(organization__path__startswith=org.path)
        return queryset.filter(pk__in=units.values("spotcheck_id"))


class SpotResultFilterSet(SearchFilterSet):
    """The referral and 无法核实 lists: their result is given."""

    search_fields = ("description", "cadre__name", "statement", "callee", "spot_check__title")
    spot_check = django_filters.NumberFilter(label="抽查编号", field_name="spot_check_id")
    unit = subtree_filter("被抽查单位（含下级）", "unit__path")
    kind = django_filters.ChoiceFilter(label="记录类型", choices=kind_choices)

    class Meta:
        model = SpotCheckItem
        fields = ["q", "spot_check", "unit", "kind"]


class SpotItemFilterSet(SpotResultFilterSet):
    result = django_filters.ChoiceFilter(label="核实结果", empty_label="全部",
                                         choices=[("pending", "待核实"),
                                                  *SpotCheckItem.Result.choices],
                                         method="with_result")
    mine = yes_no_filter("指派给我核查的", method="only_mine")

    class Meta:
        model = SpotCheckItem
        fields = ["q", "spot_check", "unit", "kind", "result", "mine"]

    def with_result(self, queryset, name, value):
        return queryset.filter(result="" if value == "pending" else value)

    def only_mine(self, queryset, name, value):
        if value is None:
            return queryset
        mine = Q(verifier_id=getattr(self.request.user, "pk", None))
        return queryset.filter(mine) if value else queryset.exclude(mine)

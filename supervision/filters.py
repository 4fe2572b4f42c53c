import django_filters

from liaison.filters import SearchFilterSet, subtree_filter, year_filter, yes_no_filter
from liaison.models import Cadre
from liaison.plausibility import flag_rules
from supervision.models import Inspection, PlausibilityFlag, Rectification
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

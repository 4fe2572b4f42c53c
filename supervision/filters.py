import django_filters

from liaison.filters import SearchFilterSet, subtree_filter, year_filter, yes_no_filter
from supervision.models import Inspection, Rectification
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

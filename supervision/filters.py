import django_filters
from django.utils import timezone

from liaison.filters import SearchFilterSet, year_filter, yes_no_filter
from liaison.models import Organization
from supervision.models import Inspection, Rectification


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
    unit = django_filters.ModelChoiceFilter(label="责任单位（含下级）",
                                            queryset=Organization.objects.all(), method="in_unit")
    status = django_filters.ChoiceFilter(label="状态", choices=Rectification.Status.choices)
    overdue = yes_no_filter("逾期", method="only_overdue")

    class Meta:
        model = Rectification
        fields = ["q", "unit", "status", "overdue"]

    def in_unit(self, queryset, name, org):
        return queryset.filter(unit__path__startswith=org.path)

    def only_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = {"status": Rectification.Status.IN_PROGRESS,
                "deadline__lt": timezone.localdate()}
        return queryset.filter(**late) if value else queryset.exclude(**late)

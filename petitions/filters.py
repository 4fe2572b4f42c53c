import django_filters
from django.utils import timezone

from liaison.filters import SearchFilterSet, subtree_filter, yes_no_filter
from liaison.workdays import AMBER_WORKING_DAYS, WorkingCalendar
from petitions.clocks import STAGES
from petitions.models import Petition
from petitions.selectors import due_soon_q, overdue_q


class PetitionFilterSet(SearchFilterSet):
    search_fields = ("code", "summary", "category")
    handling_unit = subtree_filter("承办单位（含下级）", "handling_unit__path")
    stage = django_filters.ChoiceFilter(label="阶段", choices=list(STAGES.items()),
                                        method="at_stage")
    due = django_filters.ChoiceFilter(label="期限", method="by_due", choices=[
        ("overdue", "已逾期"), ("soon", f"{AMBER_WORKING_DAYS} 个工作日内到期")])
    collective = yes_no_filter("集体访", method="only_collective")
    channel = django_filters.ChoiceFilter(label="来源渠道", choices=Petition.Channel.choices)

    class Meta:
        model = Petition
        fields = ["q", "handling_unit", "stage", "due", "collective", "channel"]

    def at_stage(self, queryset, name, value):
        return queryset.filter(stage=value)  # annotated by petitions.selectors.with_stage

    def by_due(self, queryset, name, value):
        today = timezone.localdate()
        if value == "overdue":
            return queryset.filter(overdue_q(today))
        last = WorkingCalendar.load().add_working_days(today, AMBER_WORKING_DAYS)
        return queryset.filter(due_soon_q(today, last))

    def only_collective(self, queryset, name, value):
        if value is None:
            return queryset
        q = {"people__gte": Petition.COLLECTIVE_SIZE}
        return queryset.filter(**q) if value else queryset.exclude(**q)

import django_filters
from django.db.models import F, Q
from django.utils import timezone

from liaison.filters import SearchFilterSet, subtree_filter, year_filter, yes_no_filter
from liaison.models import Organization
from opinions.models import Opinion, OpinionAnalysis, Questionnaire


class OpinionFilterSet(SearchFilterSet):
    search_fields = ("code", "content", "category")
    handling_unit = subtree_filter("承办单位（含下级）", "handling_unit__path")
    channel = django_filters.ChoiceFilter(label="渠道", choices=Opinion.Channel.choices)
    result = django_filters.ChoiceFilter(label="处理结果", choices=Opinion.Result.choices)
    state = django_filters.ChoiceFilter(label="反馈", method="by_state", choices=[
        ("open", "未反馈"), ("overdue", "已逾期未反馈"), ("late", "逾期反馈"),
        ("on_time", "按期反馈")])
    published = yes_no_filter("公开")

    class Meta:
        model = Opinion
        fields = ["q", "handling_unit", "channel", "result", "state", "published"]

    def by_state(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter({
            "open": Q(feedback_on__isnull=True),
            "overdue": Q(feedback_on__isnull=True, feedback_due__lt=today),
            "late": Q(feedback_on__gt=F("feedback_due")),
            "on_time": Q(feedback_on__lte=F("feedback_due")),
        }[value])


class AnalysisFilterSet(SearchFilterSet):
    search_fields = ("title", "unit__name", "unit__code")
    unit = django_filters.ModelChoiceFilter(label="单位", queryset=Organization.objects.all())
    year = year_filter(field_name="date", lookup_expr="year")

    class Meta:
        model = OpinionAnalysis
        fields = ["q", "unit", "year"]


class QuestionnaireFilterSet(SearchFilterSet):
    search_fields = ("title", "description")
    unit = subtree_filter("征求单位（含下级）", "unit__path")
    state = django_filters.ChoiceFilter(label="状态", method="by_state", choices=[
        ("upcoming", "未开始"), ("open", "征集中"), ("ended", "已结束")])
    year = year_filter(field_name="starts_on", lookup_expr="year")

    class Meta:
        model = Questionnaire
        fields = ["q", "unit", "state", "year"]

    def by_state(self, queryset, name, value):
        today = timezone.localdate()
        ended = Q(closed_at__isnull=False) | Q(ends_on__lt=today)
        return queryset.filter({
            "upcoming": ~ended & Q(starts_on__gt=today),
            "open": ~ended & Q(starts_on__lte=today),
            "ended": ended,
        }[value])

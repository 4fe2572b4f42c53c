import django_filters

from liaison.filters import LedgerFilterSet, SearchFilterSet, subtree_filter
from liaison.models import Organization
from research.models import ResearchReport, ResearchTopic, ResearchTrip


class TripFilterSet(LedgerFilterSet):
    search_fields = ("title", "cadre__name", "cadre__code", "findings", "problems")
    place = django_filters.ModelChoiceFilter(label="调研地点（含下级）",
                                             queryset=Organization.objects.all(),
                                             method="at_place")
    place_type = django_filters.ChoiceFilter(label="地点类型",
                                             choices=ResearchTrip.PlaceType.choices)
    topic = django_filters.ModelChoiceFilter(label="调研课题",
                                             queryset=ResearchTopic.objects.all())

    class Meta:
        model = ResearchTrip
        fields = ["q", "unit", "cadre", "date_from", "date_to", "place", "place_type", "topic"]

    def at_place(self, queryset, name, org):
        return queryset.filter(
            trip_places__organization__path__startswith=org.path).distinct()


class ReportFilterSet(LedgerFilterSet):
    date_field, end_date_field = "submitted_on", None
    search_fields = ("title", "cadre__name", "cadre__code")
    status = django_filters.ChoiceFilter(label="状态", choices=ResearchReport.Status.choices)
    topic = django_filters.ModelChoiceFilter(label="调研课题",
                                             queryset=ResearchTopic.objects.all())

    class Meta:
        model = ResearchReport
        fields = ["q", "unit", "cadre", "date_from", "date_to", "status", "topic"]


class TopicFilterSet(SearchFilterSet):
    search_fields = ("title", "description", "organization__name")
    year = django_filters.NumberFilter(label="年度")
    kind = django_filters.ChoiceFilter(label="课题类型", choices=ResearchTopic.Kind.choices)
    status = django_filters.ChoiceFilter(label="状态", choices=ResearchTopic.Status.choices)
    organization = subtree_filter("提出单位（含下级）", "organization__path")

    class Meta:
        model = ResearchTopic
        fields = ["q", "year", "kind", "status", "organization"]

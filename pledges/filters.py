import django_filters

from liaison.filters import LedgerFilterSet, SearchFilterSet, year_filter
from pledges.models import Pledge, PledgePost, Registration


class PledgeFilterSet(LedgerFilterSet):
    date_field, end_date_field = "published_on", None
    search_fields = ("cadre__name", "cadre__code", "items")
    year = year_filter()
    stage = django_filters.ChoiceFilter(label="状态", choices=Pledge.STAGES,
                                        method="filter_stage")
    rating = django_filters.ChoiceFilter(label="评定等次", choices=Pledge.Rating.choices)

    class Meta:
        model = Pledge
        fields = ["q", "unit", "cadre", "year", "stage", "rating"]

    def filter_stage(self, queryset, name, value):
        if value == Pledge.PUBLISHED:
            return queryset.filter(published_on__isnull=False)
        return queryset.filter(published_on__isnull=True, status=value)


class RegistrationFilterSet(LedgerFilterSet):
    search_fields = ("cadre__name", "cadre__code", "community__name")

    class Meta:
        model = Registration
        fields = ["q", "unit", "cadre", "date_from", "date_to"]


class PledgePostFilterSet(SearchFilterSet):
    search_fields = ("name", "responsibilities", "organization__name", "members__name")
    kind = django_filters.ChoiceFilter(label="岗位类型", choices=PledgePost.Kind.choices)

    class Meta:
        model = PledgePost
        fields = ["q", "kind"]

    def search(self, queryset, name, value):
        return super().search(queryset, name, value).distinct()  # one row per post

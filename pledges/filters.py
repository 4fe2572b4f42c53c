import django_filters

from liaison.filters import LedgerFilterSet, year_filter
from pledges.models import Pledge, Registration


class PledgeFilterSet(LedgerFilterSet):
    date_field, end_date_field = "published_on", None
    search_fields = ("cadre__name", "cadre__code", "items")
    year = year_filter()
    rating = django_filters.ChoiceFilter(label="评定等次", choices=Pledge.Rating.choices)

    class Meta:
        model = Pledge
        fields = ["q", "unit", "cadre", "year", "rating"]


class RegistrationFilterSet(LedgerFilterSet):
    search_fields = ("cadre__name", "cadre__code", "community__name")

    class Meta:
        model = Registration
        fields = ["q", "unit", "cadre", "date_from", "date_to"]

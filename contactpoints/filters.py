import django_filters
from django.db.models import Q

from contactpoints.models import Visit
from liaison.filters import LedgerFilterSet


class VisitFilterSet(LedgerFilterSet):
    search_fields = ("cadre__name", "cadre__code", "unit__name", "unit__code",
                     "target_org__name", "target_org__code", "target_household__code",
                     "problems_raised")
    kind = django_filters.ChoiceFilter(label="联系类型", choices=Visit.Kind.choices)

    class Meta:
        model = Visit
        fields = ["q", "kind", "unit", "cadre", "date_from", "date_to"]

    def unit_q(self, org) -> Q:
        # A cadre's visits by the cadre's unit; a unit's visits by the visiting unit.
        return super().unit_q(org) | Q(unit__path__startswith=org.path)

import django_filters
from django.db.models import Q

from liaison.filters import LedgerFilterSet, yes_no_filter
from liaison.models import Cadre, Position
from talks.models import Talk
from talks.selectors import unconfirmed_q


class TalkFilterSet(LedgerFilterSet):
    """Searches codes and names only: the content is private (talks.scopes)."""

    date_field, end_date_field = "date", None
    search_fields = ("code", "initiator__name", "initiator__code")
    cadre = django_filters.ModelChoiceFilter(label="发起人", field_name="initiator",
                                             queryset=Cadre.objects.all())
    type = django_filters.ChoiceFilter(label="类型", choices=Talk.Type.choices)
    form = django_filters.ChoiceFilter(label="形式", choices=Talk.Form.choices)
    with_households = yes_no_filter("有群众参与", method="only_with_households")
    unconfirmed = yes_no_filter("有参与干部未确认", method="only_unconfirmed")

    class Meta:
        model = Talk
        fields = ["q", "unit", "cadre", "date_from", "date_to", "type", "form",
                  "with_households", "unconfirmed"]

    def unit_q(self, org) -> Q:
        return Q(initiator__in=Position.objects.filter(organization__path__startswith=org.path)
                 .values("cadre"))

    def only_with_households(self, queryset, name, value):
        if value is None:
            return queryset
        q = Q(households__isnull=False)
        return queryset.filter(q).distinct() if value else queryset.exclude(q)

    def only_unconfirmed(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(unconfirmed_q()) if value else queryset.exclude(unconfirmed_q())

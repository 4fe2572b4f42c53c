"""The talk form: one page a cadre fills on a phone in under 30 seconds. The likely
participants come first: the initiator's colleagues in their organizations, then their linked
households; the lists have a filter box for anyone else in scope."""

from __future__ import annotations

from django import forms
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils import timezone

from liaison.forms import (
    HOUSEHOLD_GROUPS,
    CadreLedgerForm,
    CheckboxList,
    GroupedModelMultipleChoiceField,
    household_choices,
    household_label,
)
from liaison.models import Cadre, Household, Position, active_on_q
from liaison.permissions import VIEW
from liaison.personal import personal_visible
from talks.models import Talk

CONTENT_FIELDS = ("summary", "opinions_raised")
CADRE_GROUPS = {0: "本单位同事", 1: "其他干部"}


def colleague_choices(user, initiator: Cadre | None, day):
    """Cadres who may take part: the initiator's colleagues (a position on `day` in one of
    the initiator's organizations) first, then the other cadres the user may see."""
    if initiator is not None:
        organizations = Position.objects.filter(active_on_q(day), cadre=initiator) \
            .values("organization")
        colleague = Q(Exists(Position.objects.filter(
            active_on_q(day), cadre=OuterRef("pk"), organization__in=organizations)))
    else:
        colleague = Q(pk__in=[])
    visible = Q(pk__in=Cadre.objects.restrict(user, VIEW).values("pk"))
    queryset = Cadre.objects.filter(colleague | visible)
    if initiator is not None:
        queryset = queryset.exclude(pk=initiator.pk)
    return queryset.annotate(rank=Case(When(colleague, then=Value(0)), default=Value(1),
                                       output_field=IntegerField())).order_by("rank", "code")


class TalkForm(CadreLedgerForm):
    cadre_field = "initiator"
    cadres = GroupedModelMultipleChoiceField(queryset=Cadre.objects.none(), label="参与干部",
                                             required=False, widget=CheckboxList)
    households = GroupedModelMultipleChoiceField(queryset=Household.objects.none(),
                                                 label="参与住户", required=False,
                                                 widget=CheckboxList)

    class Meta:
        model = Talk
        fields = ["initiator", "date", "type", "form", "summary", "opinions_raised"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3}),
                   "opinions_raised": forms.Textarea(attrs={"rows": 3})}

    field_order = ["initiator", "date", "type", "form", "cadres", "households", "summary",
                   "opinions_raised"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        initiator = self.selected_cadre()
        if not self.instance.pk:
            # The new instance's own empty date is in `initial` already: setdefault would not do.
            self.initial["date"] = self.initial.get("date") or today
        else:
            self.initial["cadres"] = list(self.instance.cadres.values_list("pk", flat=True))
            self.initial["households"] = list(
                self.instance.households.values_list("pk", flat=True))
            if not personal_visible(self.user, self.instance):
                # Who may not read the content may not rewrite it either (talks.scopes).
                for name in CONTENT_FIELDS:
                    del self.fields[name]
        cadres = self.fields["cadres"]
        cadres.queryset = colleague_choices(self.user, initiator, today)
        cadres.group_of = lambda cadre: CADRE_GROUPS[cadre.rank]
        households = self.fields["households"]
        households.queryset = household_choices(self.user, initiator, today)
        households.group_of = lambda h: HOUSEHOLD_GROUPS[h.rank]
        households.label_from_instance = household_label

    def clean(self):
        data = super().clean()
        if not data.get("cadres") and not data.get("households"):
            self.add_error(None, "请至少选择一名参与干部或一户参与住户")
        return data

from django import forms

from liaison.forms import ScopedModelForm
from liaison.models import Cadre, Organization
from liaison.permissions import VIEW
from petitions.models import Petition, ReceptionDay


class ReceptionForm(ScopedModelForm):
    class Meta:
        model = ReceptionDay
        fields = ["date", "host", "substitute", "received_by", "mode", "place", "notes"]
        help_texts = {"host": "须为当日在任的区级领导", "received_by": "A角或B角"}


class PetitionForm(ScopedModelForm):
    """Register a case and record its steps; the rules of spec/petitions.md §3 and §6 are
    checked by the service (petitions.rules) and reported on their fields."""

    scoped_fields = {"handling_unit": VIEW}
    accused_cadres = forms.ModelMultipleChoiceField(Cadre.objects.order_by("code"),
                                                    label="被反映人", required=False)
    accused_units = forms.ModelMultipleChoiceField(Organization.objects.order_by("code"),
                                                   label="被反映单位", required=False)

    class Meta:
        model = Petition
        fields = ["code", "received_on", "channel", "people", "reception", "petitioner_name",
                  "petitioner_phone", "petitioner_id_number", "summary", "category",
                  "handling_unit", "responsible", "leader", "decision", "decided_on",
                  "decision_note", "extension_days", "extension_approver", "extension_reason",
                  "extension_granted_on", "replied_on", "satisfaction", "satisfaction_on",
                  "review_requested_on", "review_decided_on", "re_review_requested_on",
                  "re_review_decided_on"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"people": "5 人及以上为集体访",
                      "decision_note": "不予受理须写明理由，转送须写明接收机关"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["accused_cadres"] = list(
                self.instance.accused_cadres.values_list("pk", flat=True))
            self.initial["accused_units"] = list(
                self.instance.accused_units.values_list("pk", flat=True))

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision in (Petition.Decision.NOT_ACCEPTED, Petition.Decision.TRANSFERRED) \
                and not data.get("decision_note"):
            self.add_error("decision_note", "不予受理须写明理由，转送须写明接收机关")
        return data


# The steps of a case (spec/petitions.md §3), each its own short form: (title, fields, required).
STEPS = {
    "decide": ("受理", ["decision", "decided_on", "decision_note"], ["decision", "decided_on"]),
    "extend": ("延期", ["extension_days", "extension_approver", "extension_reason",
                      "extension_granted_on"],
               ["extension_days", "extension_approver", "extension_reason",
                "extension_granted_on"]),
    "reply": ("答复", ["replied_on", "reply_text"], ["replied_on", "reply_text"]),
    "satisfaction": ("满意度评价", ["satisfaction", "satisfaction_on"], ["satisfaction"]),
    "review": ("复查", ["review_requested_on", "review_decided_on"], ["review_requested_on"]),
    "re_review": ("复核", ["re_review_requested_on", "re_review_decided_on"],
                  ["re_review_requested_on"]),
}


class StepForm(ScopedModelForm):
    """One step of a case; the order and window rules are checked by the service."""

    class Meta:
        model = Petition
        fields: list[str] = []
        widgets = {"reply_text": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, step: str, **kwargs):
        super().__init__(*args, **kwargs)
        for name in STEPS[step][2]:
            self.fields[name].required = True
        if "decision_note" in self.fields:
            self.fields["decision_note"].help_text = "不予受理须写明理由，转送须写明接收机关"

    def clean(self):
        data = super().clean()
        if data.get("decision") in (Petition.Decision.NOT_ACCEPTED,
                                    Petition.Decision.TRANSFERRED) \
                and not data.get("decision_note"):
            self.add_error("decision_note", "不予受理须写明理由，转送须写明接收机关")
        return data


def step_form_class(step: str):
    return forms.models.modelform_factory(Petition, form=StepForm, fields=STEPS[step][1])

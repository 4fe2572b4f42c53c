from django import forms
from django.utils import timezone

from liaison.forms import CadreLedgerForm, DateInput
from liaison.models import Organization
from liaison.permissions import VIEW
from pledges.models import Pledge, PledgeProgress, Registration


class PledgeForm(CadreLedgerForm):
    scoped_fields = {"organization": VIEW}

    class Meta:
        model = Pledge
        fields = ["cadre", "year", "organization", "items", "published_on", "rating",
                  "rated_on"]
        widgets = {"items": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial["year"] = self.initial.get("year") or timezone.localdate().year


class RegistrationForm(CadreLedgerForm):
    scoped_fields = {"community": VIEW}

    class Meta:
        model = Registration
        fields = ["cadre", "community", "start_date", "end_date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = self.fields["community"].queryset.filter(
            type=Organization.Type.COMMUNITY)


class ProgressForm(forms.Form):
    item = forms.TypedChoiceField(label="承诺事项", coerce=int,
                                  widget=forms.Select(attrs={"class": "form-select"}))
    date = forms.DateField(label="日期", widget=DateInput(attrs={"class": "form-control"}))
    status = forms.ChoiceField(label="状态", choices=PledgeProgress.Status.choices,
                               widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    note = forms.CharField(label="进展说明", widget=forms.Textarea(
        attrs={"rows": 3, "class": "form-control"}))

    def __init__(self, *args, pledge, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [(n, f"{n}. {text}") for n, text in
                                       enumerate(pledge.item_list(), start=1)]
        self.initial["date"] = self.initial.get("date") or timezone.localdate()


class AmendForm(forms.Form):
    items = forms.CharField(label="修改后的承诺事项", help_text="2 至 5 项，每行一项",
                            widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}))
    reason = forms.CharField(label="修改原因", help_text="将与修改日期一起在公开栏显示",
                             widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))

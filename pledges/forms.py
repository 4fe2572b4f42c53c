from django import forms
from django.utils import timezone

from liaison.forms import CadreLedgerForm
from liaison.models import Organization
from liaison.permissions import VIEW
from pledges.models import Pledge, Registration


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
            self.initial.setdefault("year", timezone.localdate().year)


class RegistrationForm(CadreLedgerForm):
    scoped_fields = {"community": VIEW}

    class Meta:
        model = Registration
        fields = ["cadre", "community", "start_date", "end_date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = self.fields["community"].queryset.filter(
            type=Organization.Type.COMMUNITY)

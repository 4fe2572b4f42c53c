from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from liaison.models import Cadre, ContactAssignment, Household, Organization, Position
from liaison.permissions import CHANGE, VIEW


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ScopedModelForm(forms.ModelForm):
    """A model form whose choices are limited to what the user may see or change.

    `scoped_fields` maps a foreign-key field to the action the user needs on its rows.
    """

    scoped_fields: dict[str, str] = {}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for name, action in self.scoped_fields.items():
            field = self.fields[name]
            field.queryset = field.queryset.restrict(user, action)
        for field in self.fields.values():
            if isinstance(field.widget, forms.DateInput):
                field.widget = DateInput()
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            if isinstance(field.widget, forms.CheckboxInput):
                css = "form-check-input"
            field.widget.attrs.setdefault("class", css)

    def add_validation_error(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, exc)

    def _post_clean(self):
        # Model validation runs once, in record_save (the service), not twice here.
        try:
            self.instance = forms.models.construct_instance(self, self.instance, self._meta.fields)
        except ValidationError as exc:
            self._update_errors(exc)


class OrganizationForm(ScopedModelForm):
    scoped_fields = {"parent": CHANGE}

    class Meta:
        model = Organization
        fields = ["code", "name", "type", "parent"]


class CadreForm(ScopedModelForm):
    class Meta:
        model = Cadre
        fields = ["code", "name", "phone"]


class PositionForm(ScopedModelForm):
    scoped_fields = {"cadre": CHANGE, "organization": VIEW}

    class Meta:
        model = Position
        fields = ["cadre", "organization", "category", "start_date", "end_date"]


class HouseholdForm(ScopedModelForm):
    scoped_fields = {"community": VIEW}  # the saved row is checked against CHANGE scope

    class Meta:
        model = Household
        fields = ["code", "head_name", "community", "address", "phone", "is_poor"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = self.fields["community"].queryset.filter(
            type=Organization.Type.COMMUNITY
        )


class AssignmentForm(ScopedModelForm):
    scoped_fields = {"cadre": VIEW, "unit": VIEW, "target_org": CHANGE,
                     "target_household": VIEW}

    class Meta:
        model = ContactAssignment
        fields = ["kind", "cadre", "unit", "target_org", "target_household",
                  "start_date", "end_date"]
        help_texts = {
            "cadre": "领导联系点、党员联户填写",
            "unit": "单位联系社区填写（区直单位）",
            "target_org": "领导联系点：办事处/集聚区/社区；单位联系社区：社区",
            "target_household": "党员联户填写",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = self.fields["unit"].queryset.filter(
            type=Organization.Type.DEPARTMENT
        )
        self.fields["target_org"].queryset = self.fields["target_org"].queryset.exclude(
            type__in=[Organization.Type.DISTRICT, Organization.Type.DEPARTMENT]
        )


class CadreLoginsForm(forms.Form):
    cadres = forms.ModelMultipleChoiceField(
        queryset=Cadre.objects.none(), label="为以下干部开通账号",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadres"].queryset = queryset


__all__ = ["NON_FIELD_ERRORS"]

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When

from liaison.models import (
    Cadre,
    ContactAssignment,
    Household,
    Organization,
    Position,
    active_on_q,
)
from liaison.permissions import CHANGE, VIEW, Role, has_role, is_unrestricted
from liaison.personal import may_reveal, shown, with_own_rows_flag


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def add_validation_error(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's ValidationError on the form: each error on its field when the form has
    it, else above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class ExportReasonForm(forms.Form):
    """Why personal data leaves the platform: asked before every export holding it, and
    logged with it (#15)."""

    reason = forms.CharField(
        label="导出事由", max_length=200, strip=True,
        error_messages={"required": "请填写导出事由：导出含个人信息的数据须说明用途，并将被记录",
                        "max_length": "导出事由最多 200 字"},
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off",
                                      "placeholder": "例如：走访前核对联系电话"}))


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
        add_validation_error(self, exc)

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
    """A new cadre comes with their first position: without one the cadre would belong to no
    unit, so nobody but the district could see the record just created."""

    organization = forms.ModelChoiceField(Organization.objects.all(), label="任职单位",
                                          required=False)
    category = forms.ChoiceField(label="干部类别", choices=Position._meta.get_field(
        "category").choices, required=False)
    start_date = forms.DateField(label="任职开始日期", required=False, widget=DateInput())

    class Meta:
        model = Cadre
        fields = ["code", "name", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # positions of an existing cadre are kept on their own pages
            for name in ("organization", "category", "start_date"):
                del self.fields[name]
            return
        self.fields["organization"].queryset = Organization.objects.restrict(self.user, VIEW)
        for name in ("organization", "category", "start_date"):
            self.fields[name].required = True

    def first_position(self) -> Position | None:
        if "organization" not in self.fields:
            return None
        return Position(organization=self.cleaned_data["organization"],
                        category=self.cleaned_data["category"],
                        start_date=self.cleaned_data["start_date"])


class PositionForm(ScopedModelForm):
    scoped_fields = {"cadre": CHANGE, "organization": VIEW}

    class Meta:
        model = Position
        fields = ["cadre", "organization", "category", "start_date", "end_date",
                  "party_secretary"]


class HouseholdForm(ScopedModelForm):
    scoped_fields = {"community": VIEW}  # the saved row is checked against CHANGE scope
    PERSONAL_FIELDS = ("head_name", "address", "phone")

    class Meta:
        model = Household
        fields = ["code", "head_name", "community", "address", "phone", "is_poor"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Who may not reveal a household's name, address and phone may not see them in the
        # form either, nor rewrite them; whoever may has the form's opening logged (the view).
        self.personal_shown = not self.instance.pk or may_reveal(self.user, self.instance)
        if not self.personal_shown:
            for name in self.PERSONAL_FIELDS:
                del self.fields[name]
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


def ledger_cadres(user):
    """Cadres whose ledger records (trips, reports, visits) `user` may enter: their own, and
    for unit admins and 组织部 the cadres in their scope (liaison.scopes.cadre_records_scope)."""
    if not getattr(user, "is_authenticated", False):
        return Cadre.objects.none()
    own = Cadre.objects.filter(user=user)
    if is_unrestricted(user) or has_role(user, Role.ORG_DEPT, Role.UNIT_ADMIN):
        return Cadre.objects.restrict(user, CHANGE) | own
    return own


def enters_own_records_only(user) -> bool:
    """A cadre (role 干部 without an editor role) logs only their own records."""
    return not (is_unrestricted(user) or has_role(user, Role.ORG_DEPT, Role.UNIT_ADMIN))


class CadreLedgerForm(ScopedModelForm):
    """A form for records kept for a cadre. The cadre field offers `ledger_cadres`; for a
    cadre it is fixed to their own (a posted value is ignored). The view still checks the
    saved record is within the user's CHANGE scope."""

    cadre_field = "cadre"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields[self.cadre_field]
        field.queryset = ledger_cadres(self.user)
        if enters_own_records_only(self.user):
            field.disabled = True
            field.help_text = "只能登记本人的记录"
            own = Cadre.objects.filter(user=self.user).first()
            if own is not None and not self.instance.pk:
                self.initial[self.cadre_field] = own.pk

    def selected_cadre(self):
        """The cadre the form is for (bound value, else initial), to order the pickers."""
        name = self.cadre_field
        value = (self[name].data if self.is_bound and not self.fields[name].disabled
                 else self.initial.get(name))
        if isinstance(value, Cadre):
            return value
        try:
            return self.fields[name].queryset.filter(pk=int(value)).first() if value else None
        except (TypeError, ValueError):
            return None


class GroupedChoiceIterator(forms.models.ModelChoiceIterator):
    """Choices grouped by `field.group_of(obj)` in queryset order: the likely choices first."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[str, list] = {}
        for obj in self.queryset:
            groups.setdefault(self.field.group_of(obj), []).append(self.choice(obj))
        yield from groups.items()

    def __len__(self):
        return len(list(iter(self)))


class GroupedModelChoiceField(forms.ModelChoiceField):
    iterator = GroupedChoiceIterator

    def __init__(self, *args, group_of=lambda obj: "", **kwargs):
        super().__init__(*args, **kwargs)
        self.group_of = group_of


class GroupedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = GroupedChoiceIterator

    def __init__(self, *args, group_of=lambda obj: "", **kwargs):
        super().__init__(*args, **kwargs)
        self.group_of = group_of


class CheckboxList(forms.CheckboxSelectMultiple):
    """Large, phone-friendly checkboxes, grouped, with a filter box for long lists."""

    template_name = "liaison/widgets/checkbox_list.html"
    option_template_name = "liaison/widgets/checkbox_option.html"

    def __init__(self, attrs=None, choices=()):
        super().__init__({"class": "form-check-input", **(attrs or {})}, choices)


class CadreLoginsForm(forms.Form):
    cadres = forms.ModelMultipleChoiceField(
        queryset=Cadre.objects.none(), label="为以下干部开通账号",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadres"].queryset = queryset


# --- household pickers (visits, talks) ---------------------------------------------------


def visible_assignments(user, kind: str):
    return ContactAssignment.objects.restrict(user, VIEW).filter(kind=kind)


def household_choices(user, cadre: Cadre | None, day):
    """Households the user may pick: assigned to the cadre (党员联户) first, then those of the
    cadre's community, then the rest of the user's scope. Names masked, but for the user's
    own linked households."""
    assigned = ContactAssignment.objects.filter(
        active_on_q(day), kind=ContactAssignment.Kind.HOUSEHOLD, cadre=cadre,
        target_household=OuterRef("pk"))
    own_community = Position.objects.filter(active_on_q(day), cadre=cadre,
                                            organization=OuterRef("community"))
    queryset = Household.objects.filter(
        Q(pk__in=Household.objects.restrict(user, VIEW).values("pk"))
        | Q(pk__in=visible_assignments(user, ContactAssignment.Kind.HOUSEHOLD).filter(cadre=cadre)
            .values("target_household"))
    ).annotate(
        rank=Case(When(Exists(assigned), then=Value(0)), When(Exists(own_community),
                  then=Value(1)), default=Value(2), output_field=IntegerField()),
    ).select_related("community").order_by("rank", "community__code", "code")
    # Masked, except the user's own households linked to them today: a cadre on a phone picks
    # the people they visit by name; nobody else's pickers show names (#15).
    return with_own_rows_flag(queryset, Household, user)


HOUSEHOLD_GROUPS = {0: "联系户（党员联户）", 1: "所在社区的住户", 2: "其他住户"}


def household_label(household: Household) -> str:
    poor = " · 贫困户" if household.is_poor else ""
    name = shown(household.head_name, getattr(household, "personal_visible", False))
    return f"{household.code} {name}（{household.community.name}）{poor}"

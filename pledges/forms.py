import json

from django import forms
from django.utils import timezone

from liaison.attachments import max_bytes, size_label
from liaison.forms import (
    CadreLedgerForm,
    CheckboxList,
    DateInput,
    ScopedModelForm,
    enters_own_records_only,
)
from liaison.models import Cadre, Organization, Position, active_on_q
from liaison.permissions import VIEW, Role, grants_with, is_unrestricted, subtree_q
from pledges.models import (
    Pledge,
    PledgePost,
    PledgeProgress,
    PledgeReview,
    Registration,
    ServiceActivity,
)
from pledges.sectors import SECTORS, suggested_items


class PledgeForm(CadreLedgerForm):
    scoped_fields = {"organization": VIEW, "post": VIEW}

    class Meta:
        model = Pledge
        fields = ["cadre", "year", "organization", "post", "sector", "items", "published_on",
                  "rating", "rated_on"]
        widgets = {"items": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial["year"] = self.initial.get("year") or timezone.localdate().year
        # The sector's suggested items fill the (empty or untouched) items box when the sector
        # is picked (static/pledges/pledge_form.js); without scripts, ?sector= does the same.
        self.fields["sector"].widget.attrs["data-suggestions"] = json.dumps(
            {sector.code: suggested_items(sector.code) for sector in SECTORS},
            ensure_ascii=False)
        if enters_own_records_only(self.user):
            # The grade is the organization's (评议定级), never the member's own.
            del self.fields["rating"], self.fields["rated_on"]
        if self.instance.status != Pledge.Status.APPROVED and not self.instance.published_on:
            # Publication comes after the organization's approval (审核).
            del self.fields["published_on"]


class PledgePostForm(ScopedModelForm):
    """A unit's post; its members are picked among the people serving in the user's units
    (pledges.rules.post_members_error checks them against the post's organization)."""

    members = forms.ModelMultipleChoiceField(queryset=Cadre.objects.none(), label="在岗党员",
                                             required=False, widget=CheckboxList)

    class Meta:
        model = PledgePost
        fields = ["name", "kind", "organization", "responsibilities"]
        widgets = {"responsibilities": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keepers = (Role.UNIT_ADMIN, Role.ORG_DEPT)
        kept = Organization.objects.all() if is_unrestricted(self.user) else \
            Organization.objects.filter(subtree_q(grants_with(self.user, *keepers), "path"))
        self.fields["organization"].queryset = kept.exclude(
            type=Organization.Type.DISTRICT).order_by("path")
        serving = Position.objects.filter(active_on_q(timezone.localdate()),
                                          organization__in=kept).values("cadre")
        self.fields["members"].queryset = Cadre.objects.filter(pk__in=serving).order_by("code")
        if self.instance.pk:
            self.initial["members"] = list(self.instance.members.values_list("pk", flat=True))


class RegistrationForm(CadreLedgerForm):
    scoped_fields = {"community": VIEW}

    class Meta:
        model = Registration
        fields = ["cadre", "community", "start_date", "end_date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = self.fields["community"].queryset.filter(
            type=Organization.Type.COMMUNITY)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """One or more photos or documents (Django's documented multiple-file field); each file
    is checked by pledges.services with the attachment rules of research trips."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={
            "class": "form-control", "accept": ".jpg,.jpeg,.png,.pdf,.docx,.doc"}))
        kwargs.setdefault("label", "佐证材料（照片、文档）")
        kwargs.setdefault("help_text", (
            f"可多选；照片（JPEG、PNG）、PDF 或 Word 文档，每个不超过 {size_label(max_bytes())}。"
            "照片会去除拍摄位置等信息后在公开栏展示，请勿上传含群众个人信息的照片；"
            "文档只供党组织查阅，不在公开栏展示。"))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if not data:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        items = data if isinstance(data, (list, tuple)) else [data]
        return [super(EvidenceField, self).clean(item, initial) for item in items]


class ProgressForm(forms.Form):
    item = forms.TypedChoiceField(label="承诺事项", coerce=int,
                                  widget=forms.Select(attrs={"class": "form-select"}))
    date = forms.DateField(label="日期", widget=DateInput(attrs={"class": "form-control"}))
    status = forms.ChoiceField(label="状态", choices=PledgeProgress.Status.choices,
                               widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    note = forms.CharField(label="进展说明", widget=forms.Textarea(
        attrs={"rows": 3, "class": "form-control"}))
    files = EvidenceField(required=False)

    def __init__(self, *args, pledge, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [(n, f"{n}. {text}") for n, text in
                                       enumerate(pledge.item_list(), start=1)]
        self.initial["date"] = self.initial.get("date") or timezone.localdate()


class EvidenceForm(forms.Form):
    files = EvidenceField()


class AmendForm(forms.Form):
    items = forms.CharField(label="修改后的承诺事项", help_text="2 至 5 项，每行一项",
                            widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}))
    reason = forms.CharField(label="修改原因", help_text="将与修改日期一起在公开栏显示",
                             widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))


VERDICT_WIDGET = forms.RadioSelect(attrs={"class": "form-check-input"})


class ReviewForm(forms.Form):
    verdict = forms.ChoiceField(label="评议结果", choices=PledgeReview.Verdict.choices,
                                widget=VERDICT_WIDGET)
    comment = forms.CharField(label="评议意见", required=False, max_length=500,
                              widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))


class PublicReviewForm(ReviewForm):
    code = forms.CharField(
        label="评议码", max_length=12, help_text="由承诺单位发放，每个评议码只能使用一次",
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off",
                                      "autocapitalize": "characters"}))
    field_order = ["code", "verdict", "comment"]


class IssueCodesForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100,
                              widget=forms.NumberInput(attrs={"class": "form-control"}))
    count = forms.IntegerField(label="生成数量", min_value=1, max_value=500, initial=50,
                               widget=forms.NumberInput(attrs={"class": "form-control"}))


class VetForm(forms.Form):
    APPROVE, RETURN = "approve", "return"
    decision = forms.ChoiceField(label="审核意见", choices=[(APPROVE, "审核通过"),
                                                        (RETURN, "退回修改")],
                                 widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    reason = forms.CharField(label="退回原因", required=False, max_length=1000,
                             help_text="退回时必填，党员将看到退回原因",
                             widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))


def kept_organizations(user):
    """The organizations under the user's keeper grants (unit admin, 组织部)."""
    if is_unrestricted(user):
        return Organization.objects.all()
    return Organization.objects.filter(
        subtree_q(grants_with(user, Role.UNIT_ADMIN, Role.ORG_DEPT), "path"))


class ServiceActivityForm(ScopedModelForm):
    class Meta:
        model = ServiceActivity
        fields = ["community", "kind", "title", "description", "date", "capacity"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = kept_organizations(self.user).filter(
            type=Organization.Type.COMMUNITY).order_by("path")
        if not self.instance.pk:
            self.initial.setdefault("date", timezone.localdate())


class LetterForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(choices=[(q, q) for q in (1, 2, 3, 4)], coerce=int)

from django import forms
from django.utils import timezone

from liaison.forms import DateInput, ScopedModelForm
from liaison.permissions import VIEW
from liaison.personal import personal_visible
from opinions.models import Opinion, OpinionAnalysis
from opinions.rules import ANALYSING_UNITS


class OpinionForm(ScopedModelForm):
    """Register an opinion and record how it was handled and answered."""

    scoped_fields = {"collecting_unit": VIEW, "handling_unit": VIEW}

    class Meta:
        model = Opinion
        fields = ["code", "received_on", "channel", "collecting_unit", "handling_unit",
                  "content", "category", "submitter_contact", "result", "explanation",
                  "feedback_on"]
        widgets = {"content": forms.Textarea(attrs={"rows": 3}),
                   "explanation": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "feedback_on": "向提出人反馈处理结果的日期；须在收到后 30 日内（遇节假日顺延）"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not personal_visible(self.user, self.instance):
            # The collecting unit keeps the opinion; only the handling side sees the contact.
            del self.fields["submitter_contact"]


class AnalysisForm(ScopedModelForm):
    scoped_fields = {"unit": VIEW}

    class Meta:
        model = OpinionAnalysis
        fields = ["unit", "date", "title", "content"]
        widgets = {"content": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = self.fields["unit"].queryset.filter(
            type__in=ANALYSING_UNITS)
        self.fields["unit"].help_text = "办事处、集聚区或区直单位"




class PublishForm(forms.Form):
    """The texts to publish, as the publisher checked them (personal data already removed)."""

    text = forms.CharField(label="公开内容", widget=forms.Textarea(attrs={
        "rows": 4, "class": "form-control"}))
    explanation = forms.CharField(label="处理说明", required=False, widget=forms.Textarea(
        attrs={"rows": 3, "class": "form-control"}))


class PublicOpinionForm(forms.Form):
    """The public form: no login, so a hidden honeypot field catches the simplest robots."""

    content = forms.CharField(label="您的意见或建议", min_length=5, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
                              error_messages={"required": "请填写意见内容",
                                              "min_length": "意见内容至少 5 个字",
                                              "max_length": "意见内容最多 1000 字"})
    category = forms.ChoiceField(label="类别", required=False, choices=[
        ("", "请选择（可不选）"), ("公共设施", "公共设施"), ("政务服务", "政务服务"),
        ("城建", "城建"), ("环境", "环境"), ("教育", "教育"), ("民生", "民生"), ("其他", "其他")],
        widget=forms.Select(attrs={"class": "form-select"}))
    contact = forms.CharField(label="联系方式（可不填）", required=False, max_length=100,
                              help_text="仅用于向您反馈处理结果，不会公开",
                              widget=forms.TextInput(attrs={"class": "form-control",
                                                            "autocomplete": "tel"}))
    website = forms.CharField(label="请勿填写", required=False, widget=forms.TextInput(
        attrs={"tabindex": "-1", "autocomplete": "off"}))


class AnswerForm(forms.Form):
    """批量答复: one result, explanation and feedback date for the opinions chosen."""

    result = forms.ChoiceField(label="处理结果", choices=Opinion.Result.choices,
                               widget=forms.Select(attrs={"class": "form-select"}))
    explanation = forms.CharField(label="处理说明", widget=forms.Textarea(
        attrs={"rows": 3, "class": "form-control"}))
    feedback_on = forms.DateField(label="反馈日期", widget=DateInput(
        attrs={"class": "form-control"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["feedback_on"] = self.initial.get("feedback_on") or timezone.localdate()

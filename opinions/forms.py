from django import forms

from liaison.forms import ScopedModelForm
from liaison.permissions import VIEW
from opinions.models import Opinion, OpinionAnalysis
from opinions.rules import ANALYSING_UNITS


class OpinionForm(ScopedModelForm):
    """Register an opinion and record how it was handled and answered."""

    scoped_fields = {"collecting_unit": VIEW, "handling_unit": VIEW}

    class Meta:
        model = Opinion
        fields = ["code", "received_on", "channel", "collecting_unit", "handling_unit",
                  "content", "category", "submitter_contact", "result", "explanation",
                  "feedback_on", "published"]
        widgets = {"content": forms.Textarea(attrs={"rows": 3}),
                   "explanation": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "feedback_on": "向提出人反馈处理结果的日期；须在收到后 30 日内（遇节假日顺延）"}


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



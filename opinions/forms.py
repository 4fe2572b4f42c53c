from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from liaison.forms import DateInput, ScopedModelForm
from liaison.permissions import VIEW
from liaison.personal import personal_visible
from opinions.models import Opinion, OpinionAnalysis, Question, Questionnaire
from opinions.rules import ANALYSING_UNITS, QUESTIONS_MAX
from opinions.services import ANSWERED_MESSAGE, PUBLIC_TEXT_MAX, QuestionSpec, questions_of


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


# --- 征求意见表 ---------------------------------------------------------------------------


class QuestionForm(forms.Form):
    """One question of the builder: its options one per line."""

    text = forms.CharField(label="题目", max_length=300, widget=forms.TextInput(
        attrs={"class": "form-control"}))
    kind = forms.ChoiceField(label="题型", choices=Question.Kind.choices,
                             initial=Question.Kind.SINGLE,
                             widget=forms.Select(attrs={"class": "form-select"}))
    required = forms.BooleanField(label="必答", required=False, initial=True,
                                  widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    options = forms.CharField(label="选项（每行一个，文字题不填）", required=False,
                              widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))

    def clean(self):
        data = super().clean()
        lines = [line.strip() for line in data.get("options", "").splitlines() if line.strip()]
        kind = data.get("kind")
        if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE) and len(lines) < 2:
            self.add_error("options", "单选题和多选题至少需要两个选项")
        elif kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE) and \
                len(set(lines)) != len(lines):
            self.add_error("options", "选项不能重复")
        elif kind == Question.Kind.TEXT and lines:
            self.add_error("options", "文字题不设选项，请清空")
        data["option_lines"] = tuple(lines)
        return data


class BaseQuestionFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors) or self.non_form_errors():  # e.g. no management form
            return
        if not self.specs():
            raise ValidationError("至少需要一道题目")

    def specs(self) -> list[QuestionSpec]:
        """The questions kept (not deleted, not left blank), in the order given."""
        return [QuestionSpec(kind=f.cleaned_data["kind"], text=f.cleaned_data["text"],
                             required=f.cleaned_data["required"],
                             options=f.cleaned_data["option_lines"])
                for f in self.ordered_forms if f.cleaned_data.get("text")]


QuestionFormSet = forms.formset_factory(
    QuestionForm, formset=BaseQuestionFormSet, extra=3, can_order=True, can_delete=True,
    max_num=QUESTIONS_MAX, validate_max=True)


class QuestionnaireForm(ScopedModelForm):
    """The questionnaire and, while it has no answers, its questions (a formset, prefix
    "q"). Once answered, the questions are not offered; a question list posted all the same
    (a page opened before the first answer) is refused."""

    scoped_fields = {"unit": VIEW}

    class Meta:
        model = Questionnaire
        fields = ["unit", "title", "description", "starts_on", "ends_on"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.answered = self.instance.pk and self.instance.responses.count()
        self.questions = None
        if not self.answered:
            initial = [{"text": q.text, "kind": q.kind, "required": q.required,
                        "options": "\n".join(q.options), "ORDER": n}
                       for n, q in enumerate(questions_of(self.instance), 1)] \
                if self.instance.pk else None
            self.questions = QuestionFormSet(data, prefix="q", initial=initial)

    def is_valid(self):
        valid = super().is_valid()
        if self.answered and self.data and "q-TOTAL_FORMS" in self.data:
            self.add_error(None, ANSWERED_MESSAGE.format(n=self.answered))
            return False
        if self.questions is not None:
            valid = self.questions.is_valid() and valid
            if self.questions.non_form_errors():
                self.add_error(None, self.questions.non_form_errors())
        return valid

    def question_specs(self) -> list[QuestionSpec] | None:
        return self.questions.specs() if self.questions is not None else None


class PublicQuestionnaireForm(forms.Form):
    """The public page: one field per question (q<id>), and the honeypot."""

    website = forms.CharField(label="请勿填写", required=False, widget=forms.TextInput(
        attrs={"tabindex": "-1", "autocomplete": "off"}))

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        for question in questions:
            label = f"{question.position}. {question.text}"
            name = f"q{question.pk}"
            choices = [(str(o.pk), o.text) for o in question.options.all()]
            if question.kind == Question.Kind.SINGLE:
                field = forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect(
                                              attrs={"class": "form-check-input"}),
                                          error_messages={"required": "请选择一项"})
            elif question.kind == Question.Kind.MULTIPLE:
                field = forms.MultipleChoiceField(label=label + "（可多选）", choices=choices,
                                                  widget=forms.CheckboxSelectMultiple(
                                                      attrs={"class": "form-check-input"}),
                                                  error_messages={"required": "请至少选择一项"})
            else:
                field = forms.CharField(label=label, max_length=PUBLIC_TEXT_MAX,
                                        widget=forms.Textarea(attrs={
                                            "rows": 3, "class": "form-control"}),
                                        error_messages={"required": "请填写此题",
                                                        "max_length": "最多 1000 字"})
            field.required = question.required
            field.question = question
            self.fields[name] = field
        self.order_fields([*self.fields][1:] + ["website"])

    def answers(self) -> dict[int, list[int] | str]:
        result: dict[int, list[int] | str] = {}
        for name, field in self.fields.items():
            if name == "website":
                continue
            value = self.cleaned_data.get(name)
            if field.question.kind == Question.Kind.TEXT:
                result[field.question.pk] = value or ""
            elif field.question.kind == Question.Kind.SINGLE:
                result[field.question.pk] = [int(value)] if value else []
            else:
                result[field.question.pk] = [int(v) for v in value or []]
        return result

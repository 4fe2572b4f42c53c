from django import forms

from liaison.compliance.engine import quotas_for
from liaison.compliance.registry import CHECKABLE, METRIC_LABELS, default_quotas
from liaison.forms import CheckboxList, ScopedModelForm
from liaison.models import Category, Organization, Quota
from liaison.permissions import VIEW
from supervision.models import Inspection, Rectification, SpotCheck, SpotCheckItem

CATEGORY_LABELS = dict(Category.choices)


class QuotaTableForm(forms.Form):
    """Every quota of spec §2 for one year, initialised from the table in force."""

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        self.has_own_table = Quota.objects.filter(year=year).exists()
        current = quotas_for(year)
        self.keys = []
        for metric, defaults in default_quotas().items():
            for category in defaults:
                name = f"{metric}__{category or 'all'}"
                label = f"{METRIC_LABELS.get(metric, metric)} · " + (
                    CATEGORY_LABELS.get(category, "每人/每单位"))
                self.fields[name] = forms.IntegerField(
                    label=label, min_value=0, max_value=366,
                    initial=current.get(metric, {}).get(category, defaults[category]),
                    error_messages={"min_value": "不能为负数", "max_value": "不能超过 366",
                                    "invalid": "请输入整数", "required": "不能为空"},
                    widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}))
                self.keys.append((name, metric, category))

    def values(self) -> dict[tuple[str, str], int]:
        return {(metric, category): self.cleaned_data[name]
                for name, metric, category in self.keys}


class InspectionForm(ScopedModelForm):
    scoped_fields = {"organizer": VIEW}
    units = forms.ModelMultipleChoiceField(queryset=Organization.objects.none(),
                                           label="被督查单位", widget=CheckboxList)

    class Meta:
        model = Inspection
        fields = ["title", "regularity", "timing", "manner", "organizer", "start_date",
                  "end_date", "inspectors", "findings"]
        widgets = {"findings": forms.Textarea(attrs={"rows": 5})}

    field_order = ["title", "regularity", "timing", "manner", "organizer", "units",
                   "start_date", "end_date", "inspectors", "findings"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Organization.objects.restrict(
            self.user, VIEW).order_by("path")
        if self.instance.pk:
            self.initial["units"] = list(self.instance.units.values_list("pk", flat=True))
        self.fields["inspectors"].help_text = "姓名，用顿号分隔"


class RectificationForm(ScopedModelForm):
    scoped_fields = {"unit": VIEW}

    class Meta:
        model = Rectification
        fields = ["unit", "problem", "requirement", "deadline"]
        widgets = {"problem": forms.Textarea(attrs={"rows": 3}),
                   "requirement": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, inspection=None, **kwargs):
        super().__init__(*args, **kwargs)
        inspection = inspection or self.instance.inspection
        paths = list(inspection.units.values_list("path", flat=True))
        under = Organization.objects.none()
        for path in paths:
            under = under | Organization.objects.filter(path__startswith=path)
        self.fields["unit"].queryset = self.fields["unit"].queryset.filter(
            pk__in=under.values("pk")).order_by("path")


class RectificationReportForm(forms.Form):
    report = forms.CharField(label="整改情况", widget=forms.Textarea(attrs={
        "rows": 4, "class": "form-control"}), max_length=5000)


class RectificationReviewForm(forms.Form):
    reason = forms.CharField(label="退回理由", required=False, max_length=1000,
                             widget=forms.TextInput(attrs={"class": "form-control"}))


class OfficialBulletinForm(forms.Form):
    """组织部's quarterly district bulletin: the period, the document number and the issuing
    body (supervision.services.official_bulletin_request validates them)."""

    year = forms.TypedChoiceField(label="年度", coerce=int)
    period = forms.ChoiceField(label="通报期间", choices=[])
    doc_number = forms.CharField(label="文号", max_length=40,
                                 help_text="格式：机关代字〔年份〕序号号，如：区委组通〔2026〕12号",
                                 error_messages={"required": "请填写文号"})
    issuer = forms.CharField(label="发文机关", max_length=50,
                             error_messages={"required": "请填写发文机关",
                                             "max_length": "发文机关不能超过50个字"})

    def __init__(self, *args, today, **kwargs):
        from django.conf import settings

        from supervision.services import PERIODS

        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, f"{y}年") for y in range(today.year, today.year - 5,
                                                                   -1)]
        self.fields["period"].choices = list(PERIODS.items())
        self.initial.setdefault("year", today.year)
        self.initial.setdefault("period", f"Q{(today.month - 1) // 3 + 1}")
        self.initial.setdefault("issuer", f"中共{settings.DISTRICT_NAME}委组织部")
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(
                field, forms.ChoiceField) else "form-control")


class UserChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        name = getattr(getattr(user, "cadre", None), "name", "") or user.get_full_name()
        return f"{name}（{user.username}）" if name else user.username


class SpotCheckForm(ScopedModelForm):
    """The frame of a 双随机抽查: what, when, where, how many, and who may verify."""

    scoped_fields = {"organizer": VIEW}
    kinds = forms.MultipleChoiceField(label="抽查记录类型", widget=CheckboxList,
                                      error_messages={"required": "请至少选择一种记录类型"})
    units = forms.ModelMultipleChoiceField(queryset=Organization.objects.none(),
                                           label="被抽查单位（含下级）", widget=CheckboxList,
                                           error_messages={"required": "请至少选择一个被抽查单位"})
    pool = UserChoice(queryset=None, label="核查人员范围", required=False, widget=CheckboxList,
                      help_text="不选则从全部组织部、纪检监察人员中随机抽取；"
                                "被抽查单位的人员和记录本人自动回避")

    class Meta:
        model = SpotCheck
        fields = ["title", "organizer", "kinds", "period_start", "period_end", "sample_size"]

    field_order = ["title", "organizer", "kinds", "period_start", "period_end", "units",
                   "sample_size", "pool"]

    def __init__(self, *args, **kwargs):
        from liaison.models import User
        from supervision.scopes import INSPECTORS

        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = [(k.name, k.label) for k in CHECKABLE.values()]
        self.fields["units"].queryset = Organization.objects.restrict(
            self.user, VIEW).order_by("path")
        self.fields["pool"].queryset = User.objects.filter(
            is_active=True, role_grants__group__name__in=INSPECTORS).distinct() \
            .select_related("cadre").order_by("username")
        self.fields["sample_size"].widget.attrs.update(min=1, max=50)


class SpotCallbackForm(forms.ModelForm):
    """The verifier's call-back (回访) of one sampled record."""

    called_at = forms.DateTimeField(label="回访时间", widget=forms.DateTimeInput(
        attrs={"type": "datetime-local", "class": "form-control"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"required": "请填写回访时间", "invalid": "回访时间格式不正确"})
    result = forms.ChoiceField(label="核实结果", choices=SpotCheckItem.Result.choices,
                               widget=forms.RadioSelect,
                               error_messages={"required": "请选择核实结果"})

    class Meta:
        model = SpotCheckItem
        fields = ["callee", "called_at", "statement", "result"]
        widgets = {"callee": forms.TextInput(attrs={"class": "form-control"}),
                   "statement": forms.Textarea(attrs={"rows": 4, "class": "form-control"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, message in (("callee", "请填写回访对象"), ("statement", "请填写回访情况")):
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = message

    def _post_clean(self):
        pass  # the service validates and writes

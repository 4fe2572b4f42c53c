from django import forms

from liaison.compliance.engine import quotas_for
from liaison.compliance.registry import METRIC_LABELS, default_quotas
from liaison.models import Category, Quota

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

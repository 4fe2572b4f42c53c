import django_filters
from django import forms
from django.db.models import Q
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from liaison.forms import DateInput
from liaison.models import (
    Cadre,
    Category,
    ContactAssignment,
    Household,
    Organization,
    PersonalDataAccess,
    Position,
)
from liaison.params import FIRST_YEAR
from liaison.permissions import VIEW
from liaison.personal import personal_search_q

LAST_YEAR = 2100


class YesNoAll(forms.Select):
    """全部 / 是 / 否 for a yes-no filter (Django's own reads 未知 for "all")."""

    def __init__(self, attrs=None):
        super().__init__(attrs, choices=[("", "全部"), ("true", "是"), ("false", "否")])

    def format_value(self, value):
        return {True: "true", False: "false", "true": "true", "false": "false"}.get(value, "")


def year_filter(label: str = "年度", **kwargs) -> django_filters.NumberFilter:
    """A year, bounded so that a year out of range is a form error, not a database one."""
    return django_filters.NumberFilter(label=label, min_value=FIRST_YEAR, max_value=LAST_YEAR,
                                       **kwargs)


def subtree_filter(label: str, path_lookup: str) -> django_filters.ModelChoiceFilter:
    """A unit (among those the user may see, SearchFilterSet) and the rows of its whole
    subtree: those whose `path_lookup` (e.g. "handling_unit__path") lies under it."""
    def in_subtree(queryset, name, org):
        return queryset.filter(**{f"{path_lookup}__startswith": org.path})

    return django_filters.ModelChoiceFilter(label=label, queryset=Organization.objects.all(),
                                            method=in_subtree)


def yes_no_filter(label: str, **kwargs) -> django_filters.BooleanFilter:
    return django_filters.BooleanFilter(label=label, widget=YesNoAll, **kwargs)


class FastSelect(forms.Select):
    """A <select> that writes its options directly. Django renders a template per option: for
    the thousand cadres and hundred units of a district's filters that was most of a ledger
    list's time (bench/load.py). Same markup, flat choices only (model choice filters)."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        selected = {str(v) for v in self.format_value(value)}
        options = []
        for option_value, label in self.choices:
            v = "" if option_value is None else str(option_value)
            options.append(format_html('<option value="{}"{}>{}</option>', v,
                                       mark_safe(" selected") if v in selected else "", label))
        return format_html("<select{}>{}</select>", flatatt(final),
                           mark_safe("".join(options)))


class SearchFilterSet(django_filters.FilterSet):
    """A FilterSet with a free-text `q` over `search_fields` and Bootstrap widgets."""

    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(label="搜索", method="search")

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        for f in self.form.fields.values():
            if isinstance(f, forms.ModelChoiceField) and type(f.widget) is forms.Select:
                f.widget = FastSelect(attrs=f.widget.attrs)
                f.widget.choices = f.choices
            css = "form-select" if isinstance(f.widget, forms.Select) else "form-control"
            f.widget.attrs.setdefault("class", css + " form-control-sm")
        user = getattr(request, "user", None)
        for name, f in self.filters.items():
            queryset = getattr(f, "queryset", None)
            if user is not None and queryset is not None and hasattr(queryset, "restrict"):
                self.form.fields[name].queryset = queryset.restrict(user, VIEW)

    def search(self, queryset, name, value):
        q = Q()
        for field in self.search_fields:
            q |= Q(**{f"{field}__icontains": value})
        return queryset.filter(q)


class OrganizationFilterSet(SearchFilterSet):
    search_fields = ("code", "name")
    type = django_filters.ChoiceFilter(label="单位类型", choices=Organization.Type.choices)

    class Meta:
        model = Organization
        fields = ["q", "type"]


class CadreFilterSet(SearchFilterSet):
    search_fields = ("code", "name")
    organization = django_filters.ModelChoiceFilter(
        label="单位（含下级）", queryset=Organization.objects.all(), method="in_unit"
    )
    category = django_filters.ChoiceFilter(label="类别", choices=Category.choices,
                                           method="with_category")

    class Meta:
        model = Cadre
        fields = ["q", "organization", "category"]

    def in_unit(self, queryset, name, org):
        return queryset.filter(
            pk__in=Position.objects.filter(organization__path__startswith=org.path)
            .values("cadre")
        )

    def with_category(self, queryset, name, value):
        return queryset.filter(pk__in=Position.objects.filter(category=value).values("cadre"))


class HouseholdFilterSet(SearchFilterSet):
    community = django_filters.ModelChoiceFilter(
        label="社区", queryset=Organization.objects.filter(type=Organization.Type.COMMUNITY)
    )
    is_poor = yes_no_filter("贫困户")

    def search(self, queryset, name, value):
        # Names and addresses a user may not see must not be searchable either.
        return queryset.filter(personal_search_q(
            Household, self.request.user, value, public=("code",),
            personal=("head_name", "address")))

    class Meta:
        model = Household
        fields = ["q", "community", "is_poor"]


class AssignmentFilterSet(SearchFilterSet):
    search_fields = ("cadre__name", "cadre__code", "unit__name", "unit__code",
                     "target_org__name", "target_org__code", "target_household__code")
    kind = django_filters.ChoiceFilter(label="联系类型", choices=ContactAssignment.Kind.choices)
    active = yes_no_filter("目前有效", method="active_today")

    class Meta:
        model = ContactAssignment
        fields = ["q", "kind", "active"]

    def active_today(self, queryset, name, value):
        from django.utils import timezone

        active = queryset.active_on(timezone.localdate())
        return active if value else queryset.exclude(pk__in=active.values("pk"))


class LedgerFilterSet(SearchFilterSet):
    """Unit (with its subtree), cadre and a date range, for records kept for a cadre (trips,
    reports, visits). A period record matches a range it overlaps; `date_field` alone is
    compared for records with a single date (`end_date_field` = None)."""

    date_field = "start_date"
    end_date_field: str | None = "end_date"

    unit = django_filters.ModelChoiceFilter(label="单位（含下级）",
                                            queryset=Organization.objects.all(),
                                            method="in_unit")
    cadre = django_filters.ModelChoiceFilter(label="干部", queryset=Cadre.objects.all())
    date_from = django_filters.DateFilter(label="日期从", method="from_date")
    date_to = django_filters.DateFilter(label="日期至", method="to_date")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("date_from", "date_to"):
            field = self.form.fields[name]
            field.widget = DateInput(attrs={"class": "form-control form-control-sm"})

    def unit_q(self, org) -> Q:
        """Records of cadres holding (or having held) a position in `org`'s subtree."""
        return Q(cadre__in=Position.objects.filter(organization__path__startswith=org.path)
                 .values("cadre"))

    def in_unit(self, queryset, name, org):
        return queryset.filter(self.unit_q(org))

    def from_date(self, queryset, name, value):
        return queryset.filter(**{f"{self.end_date_field or self.date_field}__gte": value})

    def to_date(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__lte": value})


class PersonalDataAccessFilterSet(SearchFilterSet):
    search_fields = ("user__username", "user__first_name", "record_label", "record_type",
                     "reason")
    action = django_filters.ChoiceFilter(label="操作", choices=PersonalDataAccess.Action.choices)
    date_from = django_filters.DateFilter(label="日期从", field_name="at", lookup_expr="date__gte",
                                          widget=DateInput())
    date_to = django_filters.DateFilter(label="日期至", field_name="at", lookup_expr="date__lte",
                                        widget=DateInput())

    class Meta:
        model = PersonalDataAccess
        fields = ["q", "action", "date_from", "date_to"]

"""The compliance engine (spec/compliance.md): registry, pro-rating, expected-to-date, status.

Each domain app's metrics.py registers its metrics (`register_metric`) and the places its
records visit (`register_places`, for 三走遍); the core registers the coverage metrics and the
walkthrough. `compute_compliance` produces every row for one year and as-of date; the
`compliance` command, the Celery task and the dashboard all read it.

Actual figures are aggregated by the database, one query per metric for all subjects. Targets
and expected-to-date come from the roster's periods (positions and assignments), which are
few per subject, so they are summed over day ranges in Python.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from liaison.models import (
    Cadre,
    Category,
    ContactAssignment,
    Household,
    Organization,
    Position,
    Quota,
)

C = Category
# spec/compliance.md §2
DEFAULT_QUOTAS: dict[str, dict[str, int]] = {
    "research_days": {C.DISTRICT_PRINCIPAL: 35, C.STANDING_COMMITTEE: 30, C.DISTRICT_LEADER: 25,
                      C.DEPARTMENT_HEAD: 20, C.SUBDISTRICT_HEAD: 15, C.SUBDISTRICT_LEADER: 15,
                      C.SECTION_CADRE: 15},
    "research_reports": {C.DISTRICT_PRINCIPAL: 2, C.STANDING_COMMITTEE: 2, C.DISTRICT_LEADER: 2,
                         C.DEPARTMENT_HEAD: 1, C.SUBDISTRICT_HEAD: 1},
    "contact_point_visits": {C.DISTRICT_PRINCIPAL: 12, C.STANDING_COMMITTEE: 12,
                             C.DISTRICT_LEADER: 12},
    "household_visits": {"": 6},
    "household_visit_days": {"": 6},
    "unit_community_visits": {"": 12},
    "unit_community_days": {"": 12},
}

MET, ON_TRACK, BEHIND, NOT_MET = "met", "on_track", "behind", "not_met"
STATUS_LABELS = {MET: "已完成", ON_TRACK: "进度正常", BEHIND: "进度落后", NOT_MET: "未完成"}
CADRE, ORGANIZATION, HOUSEHOLD = "cadre", "organization", "household"


# --- the report's window ---------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    year: int
    as_of: dt.date

    @classmethod
    def for_year(cls, year: int, as_of: dt.date | None = None, today: dt.date | None = None):
        """spec §3: A defaults to today in the current year, else 31 December; an A after
        31 December is 31 December. An A before the year starts is an error."""
        end = dt.date(year, 12, 31)
        if as_of is None:
            today = today or timezone.localdate()  # the district's calendar (Asia/Shanghai)
            as_of = today if today.year == year else end
        if as_of < dt.date(year, 1, 1):
            raise ValueError(f"as-of date {as_of} is before {year}")
        return cls(year, min(as_of, end))

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def year_end(self) -> dt.date:
        return dt.date(self.year, 12, 31)

    @property
    def days_in_year(self) -> int:
        return 366 if calendar.isleap(self.year) else 365

    @property
    def days(self) -> int:
        return (self.as_of - self.start).days + 1

    @property
    def is_year_end(self) -> bool:
        return self.as_of == self.year_end


def status_of(window: Window, target: int, actual: int, expected: int) -> str:
    if actual >= target:
        return MET
    if window.is_year_end:
        return NOT_MET
    return ON_TRACK if actual >= expected else BEHIND


# --- pro-rating ------------------------------------------------------------------------------

Period = tuple[dt.date, dt.date | None, int]  # start, end (None = open), rate


def rate_day_sums(periods: Iterable[Period], first: dt.date, last: dt.date) -> int:
    """Sum over the days first..last of the largest rate among the periods active that day."""
    clipped = []
    for start, end, rate in periods:
        start, end = max(start, first), min(end or last, last)
        if start <= end and rate > 0:
            clipped.append((start, end, rate))
    if not clipped:
        return 0
    cuts = sorted({s for s, _, _ in clipped} | {e + dt.timedelta(days=1) for _, e, _ in clipped})
    total = 0
    for left, right in zip(cuts, cuts[1:], strict=False):
        rate = max((r for s, e, r in clipped if s <= left and e >= left), default=0)
        total += rate * (right - left).days
    return total


def prorate(window: Window, periods: list[Period]) -> tuple[int, int]:
    """(target, expected_to_date) of spec §3 for one subject's rate periods."""
    year_sum = rate_day_sums(periods, window.start, window.year_end)
    window_sum = rate_day_sums(periods, window.start, window.as_of)
    d = window.days_in_year
    return -(-year_sum // d), window_sum // d  # ceil, floor in integers


# --- the context of one computation ----------------------------------------------------------


@dataclass
class Context:
    window: Window
    org: Organization | None = None
    quotas: dict[str, dict[str, int]] = field(default_factory=dict)
    cadre_id: int | None = None  # one cadre's own rows only (their workbench)

    def __post_init__(self):
        if not self.quotas:
            self.quotas = quotas_for(self.window.year)

    def narrow(self, queryset: QuerySet, field: str, subject_type: str = "cadre") -> QuerySet:
        """Only the asked-for cadre's rows when computing one cadre's progress (the workbench);
        rows of other subject types are then not needed at all."""
        if self.cadre_id is None:
            return queryset
        if subject_type != CADRE:
            return queryset.none()
        return queryset.filter(**{field: self.cadre_id})

    def overlapping_year(self, queryset: QuerySet, prefix: str = "") -> QuerySet:
        """Rows whose period touches year Y."""
        return queryset.filter(Q(**{f"{prefix}start_date__lte": self.window.year_end}) & (
            Q(**{f"{prefix}end_date__isnull": True})
            | Q(**{f"{prefix}end_date__gte": self.window.start})))

    def in_window(self, queryset: QuerySet, date_field: str = "start_date") -> QuerySet:
        """Records that start (or are dated) inside the window."""
        return queryset.filter(**{f"{date_field}__range": (self.window.start, self.window.as_of)})

    def touching_window(self, queryset: QuerySet) -> QuerySet:
        """Records with any of their days inside the window."""
        return queryset.filter(start_date__lte=self.window.as_of,
                               end_date__gte=self.window.start)

    def subject_filter(self, subject_type: str) -> Q:
        """--org: subjects in that organization's subtree; or the one cadre asked for."""
        if self.cadre_id is not None:
            return Q(pk=self.cadre_id) if subject_type == CADRE else Q(pk__in=[])
        if self.org is None:
            return Q()
        path = self.org.path
        if subject_type == CADRE:
            positions = self.overlapping_year(Position.objects.filter(
                cadre=OuterRef("pk"), organization__path__startswith=path))
            return Q(Exists(positions))
        if subject_type == HOUSEHOLD:
            return Q(community__path__startswith=path)
        return Q(path__startswith=path)


def quotas_for(year: int) -> dict[str, dict[str, int]]:
    """The year's quota table: its own rows, else the latest earlier year's, else defaults."""
    table = {metric: dict(values) for metric, values in DEFAULT_QUOTAS.items()}
    source_year = (Quota.objects.filter(year__lte=year).order_by("-year")
                   .values_list("year", flat=True).first())
    if source_year is not None:
        # The stored rows override the defaults; a value missing there keeps the default.
        for metric, category, value in Quota.objects.filter(year=source_year).values_list(
                "metric", "category", "value"):
            table.setdefault(metric, {})[category] = value
    return table


# --- database helpers ------------------------------------------------------------------------


def distinct_days(ctx: Context, queryset: QuerySet, keys: tuple[str, ...],
                  start_field: str = "start_date", end_field: str = "end_date") -> dict:
    """{key tuple: number of distinct calendar days inside the window covered by the rows},
    counted by the database: the rows are joined to the window's series of days."""
    if queryset.query.is_empty():
        return {}
    aliases = {f"k{i}": F(key) for i, key in enumerate(keys)}
    rows = queryset.filter(**{f"{start_field}__lte": ctx.window.as_of,
                              f"{end_field}__gte": ctx.window.start})
    inner, params = rows.order_by().values(**aliases, s=F(start_field), e=F(end_field)) \
        .query.sql_with_params()
    key_columns = ", ".join(f"a.{alias}" for alias in aliases)
    window = [ctx.window.start, ctx.window.as_of]
    if connection.vendor == "postgresql":
        # Each row expands to its own days inside the window only.
        sql = (f"SELECT {key_columns}, COUNT(DISTINCT d.day) FROM ({inner}) AS a "
               "CROSS JOIN LATERAL generate_series(GREATEST(a.s, %s::date), "
               "LEAST(a.e, %s::date), interval '1 day') AS d(day) "
               f"GROUP BY {key_columns}")
        params = [*params, *window]
    else:
        sql = ("WITH RECURSIVE series(day) AS (SELECT %s UNION ALL "
               "SELECT date(day, '+1 day') FROM series WHERE day < %s) "
               f"SELECT {key_columns}, COUNT(DISTINCT d.day) FROM ({inner}) AS a "
               f"JOIN series AS d ON d.day BETWEEN a.s AND a.e GROUP BY {key_columns}")
        params = [*window, *params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {tuple(row[:-1]): row[-1] for row in cursor.fetchall()}


def counts(queryset: QuerySet, keys: tuple[str, ...]) -> dict:
    """{key tuple: number of rows}, grouped by the database."""
    from django.db.models import Count

    return {
        tuple(row[k] for k in keys): row["n"]
        for row in queryset.order_by().values(*keys).annotate(n=Count("pk"))
    }


# --- rates: who owes what, on which days -------------------------------------------------------


def category_periods(ctx: Context, metric: str) -> dict[int, list[Period]]:
    """{cadre id: periods} of the positions whose category has a quota for `metric`."""
    quota = ctx.quotas.get(metric, {})
    positions = ctx.narrow(ctx.overlapping_year(Position.objects.filter(
        category__in=list(quota))), "cadre_id")
    periods: dict[int, list[Period]] = defaultdict(list)
    for cadre_id, category, start, end in positions.values_list(
            "cadre_id", "category", "start_date", "end_date"):
        periods[cadre_id].append((start, end, quota[category]))
    return periods


def assignment_periods(ctx: Context, metric: str, kind: str,
                       keys: tuple[str, ...]) -> dict[tuple, list[Period]]:
    """{key: periods} of active assignments of `kind`, at the flat quota of `metric`."""
    rate = ctx.quotas.get(metric, {}).get("", 0)
    assignments = ctx.narrow(ctx.overlapping_year(ContactAssignment.objects.filter(kind=kind)),
                             keys[0], CADRE if keys[0] == "cadre_id" else ORGANIZATION)
    periods: dict[tuple, list[Period]] = defaultdict(list)
    for row in assignments.values_list(*keys, "start_date", "end_date"):
        periods[tuple(row[:-2])].append((row[-2], row[-1], rate))
    return periods


def cadre_household_periods(ctx: Context, metric: str) -> dict[tuple, list[Period]]:
    return assignment_periods(ctx, metric, ContactAssignment.Kind.HOUSEHOLD, ("cadre_id",))


def unit_community_periods(ctx: Context, metric: str) -> dict[tuple, list[Period]]:
    return assignment_periods(ctx, metric, ContactAssignment.Kind.UNIT_COMMUNITY,
                              ("unit_id", "target_org_id"))


def by_category(ctx: Context, metric: str) -> dict[tuple, list[Period]]:
    return {(cadre_id,): periods for cadre_id, periods in category_periods(ctx, metric).items()}


# --- the registry ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    """A pro-rated metric: `periods` gives each subject key's rate periods, `actual` each
    key's figure (one aggregation query). Keys are (subject id,) or (subject id, scope id)."""

    code: str
    label: str
    subject_type: str
    periods: Callable[[Context, str], dict[tuple, list[Period]]]
    actual: Callable[[Context], dict[tuple, int]]
    unit: str = "次"


METRICS: dict[str, Metric] = {}
# Sources of the places a cadre's records visit, for the walkthrough (三走遍):
# functions (ctx, cadre ids) -> queryset of (cadre_id, organization_id) value lists.
PLACE_SOURCES: list[Callable] = []
# functions (ctx, cadre ids) -> queryset of (cadre_id, household_id, community_id).
HOUSEHOLD_SOURCES: list[Callable] = []

METRIC_LABELS = {
    "walkthrough": "三走遍",
    "leader_coverage": "区级领导联系办事处",
    "unit_coverage": "区直单位联系社区",
    "household_coverage": "党员干部联系贫困户",
}


def register_metric(metric: Metric) -> Metric:
    METRICS[metric.code] = metric
    METRIC_LABELS[metric.code] = metric.label
    return metric


def register_places(func: Callable) -> Callable:
    PLACE_SOURCES.append(func)
    return func


def register_household_places(func: Callable) -> Callable:
    HOUSEHOLD_SOURCES.append(func)
    return func


# --- rows ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    subject_type: str
    subject_code: str
    subject_name: str
    scope_code: str
    metric: str
    target: int
    actual: int
    expected_to_date: int
    status: str

    FIELDS = ("subject_type", "subject_code", "subject_name", "scope_code", "metric", "target",
              "actual", "expected_to_date", "status")

    def sort_key(self):
        return (self.subject_type, self.subject_code, self.scope_code, self.metric)

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.FIELDS}


class Names:
    """Codes and names of subjects, fetched once per computation."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self._cache: dict[str, dict[int, tuple[str, str]]] = {}

    def of(self, subject_type: str) -> dict[int, tuple[str, str]]:
        if subject_type not in self._cache:
            model, name_field = {CADRE: (Cadre, "name"), ORGANIZATION: (Organization, "name"),
                                 HOUSEHOLD: (Household, "head_name")}[subject_type]
            queryset = model.objects.filter(self.ctx.subject_filter(subject_type))
            self._cache[subject_type] = {
                pk: (code, name) for pk, code, name in
                queryset.values_list("pk", "code", name_field)}
        return self._cache[subject_type]

    def code(self, model_type: str, pk: int) -> str:
        if model_type == ORGANIZATION:
            return self.organizations()[pk][0]
        return self.of(model_type)[pk][0]

    def organizations(self) -> dict[int, tuple[str, str]]:
        if "all_orgs" not in self._cache:
            self._cache["all_orgs"] = {
                pk: (code, name) for pk, code, name in
                Organization.objects.values_list("pk", "code", "name")}
        return self._cache["all_orgs"]


def metric_rows(ctx: Context, metric: Metric, names: Names) -> list[Row]:
    subjects = names.of(metric.subject_type)
    periods = metric.periods(ctx, metric.code)
    actuals = metric.actual(ctx)
    rows = []
    for key, subject_periods in periods.items():
        if key[0] not in subjects:
            continue
        target, expected = prorate(ctx.window, subject_periods)
        if target <= 0:
            continue
        actual = actuals.get(key, 0)
        code, name = subjects[key[0]]
        scope = names.code(ORGANIZATION, key[1]) if len(key) > 1 else ""
        rows.append(Row(metric.subject_type, code, name, scope, metric.code, target, actual,
                        expected, status_of(ctx.window, target, actual, expected)))
    return rows


def compute_compliance(*, year: int, as_of: dt.date | None = None,
                       org: Organization | None = None, cadre: Cadre | None = None,
                       progress: Callable[[float], None] | None = None) -> list[Row]:
    """Every compliance row of spec/compliance.md for the year, sorted as §8 says
    (only `org`'s subtree, or only one cadre's rows, when given)."""
    from liaison import coverage

    ctx = Context(Window.for_year(year, as_of), org, cadre_id=cadre.pk if cadre else None)
    names = Names(ctx)
    steps = [*(lambda m=m: metric_rows(ctx, m, names) for m in METRICS.values()),
             lambda: coverage.walkthrough_rows(ctx, names),
             lambda: coverage.coverage_rows(ctx, names)]
    rows: list[Row] = []
    for done, step in enumerate(steps, start=1):
        rows.extend(step())
        if progress is not None:
            progress(done / len(steps))
    return sorted(rows, key=Row.sort_key)


"""The compliance engine (spec/compliance.md): the window, pro-rating, expected-to-date, status,
the year's quota table, and `compute_compliance`, which runs every metric and row source of the
registry. The `compliance` command, the Celery runs and the workbench all call it.

Actual figures are aggregated by the database, one query per metric for all subjects. Targets
and expected-to-date come from the roster's periods (positions and assignments), which are
few per subject, so they are summed over day ranges in Python.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, Field, ForeignObject, OuterRef, Q, QuerySet
from django.db.models.lookups import In
from django.utils import timezone

from liaison.compliance.registry import (
    CADRE,
    HOUSEHOLD,
    ORGANIZATION,
    PRORATED,
    ROW_SOURCES,
    Metric,
    checkable_for_model,
    default_quotas,
)
from liaison.models import Cadre, Household, Organization, Position, Quota, RecordVerification

MET, ON_TRACK, BEHIND, NOT_MET = "met", "on_track", "behind", "not_met"
STATUS_LABELS = {MET: "已完成", ON_TRACK: "进度正常", BEHIND: "进度落后", NOT_MET: "未完成"}


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
    return _prorated(window, tuple(periods))


@functools.lru_cache(maxsize=65_536)
def _prorated(window: Window, periods: tuple[Period, ...]) -> tuple[int, int]:
    # Most subjects share their periods (one post held all year at the same rate): the
    # day sums of a year's thousands of rows are a few hundred distinct ones.
    year_sum = rate_day_sums(periods, window.start, window.year_end)
    window_sum = rate_day_sums(periods, window.start, window.as_of)
    d = window.days_in_year
    return -(-year_sum // d), window_sum // d  # ceil, floor in integers


# --- the context of one computation ----------------------------------------------------------


@dataclass(frozen=True)
class Subjects:
    """The subjects one part of a split run computes (liaison.compliance.parts): these cadres,
    these organizations and the households of these communities."""

    cadres: frozenset[int]
    organizations: frozenset[int]

    def filter(self, subject_type: str, field: str = "pk") -> Q:
        """Rows whose `field` is one of these subjects of `subject_type` (on a household
        queryset, with `field` "pk": the households of these communities)."""
        if subject_type == CADRE:
            return Q(**{f"{field}__any_of": any_of_ids(self.cadres)})
        if subject_type == ORGANIZATION:
            return Q(**{f"{field}__any_of": any_of_ids(self.organizations)})
        communities = any_of_ids(self.organizations)
        if field == "pk":
            return Q(community_id__any_of=communities)
        households = Household.objects.filter(community_id__any_of=communities)
        return Q(**{f"{field}__in": households.values("pk")})


def any_of_ids(ids) -> list[int]:
    # No ids: [0], which matches no row, where an empty list would leave helpers that compile
    # a queryset to SQL (queries.distinct_days) with an EmptyResultSet.
    return sorted(ids) or [0]


@Field.register_lookup
class AnyOf(In):
    """`field__any_of=ids`: IN, sent on PostgreSQL as one array parameter (`= ANY(%s)`). A
    part of a split run holds thousands of ids; as as many parameters they cost more to
    adapt, send and parse than the query itself, and the planner treats both alike."""

    lookup_name = "any_of"

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]


ForeignObject.register_lookup(AnyOf)  # cadre_id, unit_id: the foreign keys narrowed most


@dataclass
class Context:
    window: Window
    org: Organization | None = None
    quotas: dict[str, dict[str, int]] = field(default_factory=dict)
    cadre_id: int | None = None  # one cadre's own rows only (their workbench)
    subjects: Subjects | None = None  # one part's subjects only (a split run)

    def __post_init__(self):
        if not self.quotas:
            self.quotas = quotas_for(self.window.year)

    def narrow(self, queryset: QuerySet, field: str, subject_type: str = "cadre") -> QuerySet:
        """Only the asked-for cadre's rows when computing one cadre's progress (the workbench);
        rows of other subject types are then not needed at all; only the part's subjects' rows
        in a split run. Records found untrue are left out (`counted`)."""
        queryset = self.counted(queryset)
        if self.subjects is not None:
            queryset = queryset.filter(self.subjects.filter(subject_type, field))
        if self.cadre_id is None:
            return queryset
        if subject_type != CADRE:
            return queryset.none()
        return queryset.filter(**{field: self.cadre_id})

    @staticmethod
    def counted(queryset: QuerySet, via: str = "") -> QuerySet:
        """spec §10: leave out the records whose latest verification is 不属实 — rows of a
        checkable model (liaison.compliance.registry.CHECKABLE), or rows reaching one through
        the foreign key `via` (e.g. a trip's places through "trip"). A NOT EXISTS on the
        partial index of latest untrue results; other models are returned as they are, and a
        queryset already filtered is not filtered twice."""
        model = queryset.model._meta.get_field(via).related_model if via else queryset.model
        if checkable_for_model(model) is None:
            return queryset
        alias = f"untrue_{via}" if via else "untrue"
        if alias in queryset.query.annotations:
            return queryset
        from django.contrib.contenttypes.models import ContentType

        untrue = RecordVerification.objects.filter(
            content_type=ContentType.objects.get_for_model(model), latest=True,
            result=RecordVerification.Result.UNTRUE,
            object_id=OuterRef(f"{via}_id" if via else "pk"))
        return queryset.alias(**{alias: Exists(untrue)}).filter(**{alias: False})

    def overlapping_year(self, queryset: QuerySet, prefix: str = "") -> QuerySet:
        """Rows whose period touches year Y."""
        return queryset.filter(Q(**{f"{prefix}start_date__lte": self.window.year_end}) & (
            Q(**{f"{prefix}end_date__isnull": True})
            | Q(**{f"{prefix}end_date__gte": self.window.start})))

    def in_window(self, queryset: QuerySet, date_field: str = "start_date") -> QuerySet:
        """Records that start (or are dated) inside the window (and count: `counted`)."""
        return self.counted(queryset).filter(
            **{f"{date_field}__range": (self.window.start, self.window.as_of)})

    def touching_window(self, queryset: QuerySet) -> QuerySet:
        """Records with any of their days inside the window (and count: `counted`)."""
        return self.counted(queryset).filter(start_date__lte=self.window.as_of,
                               end_date__gte=self.window.start)

    def subject_filter(self, subject_type: str) -> Q:
        """--org: subjects in that organization's subtree; or the one cadre asked for; and
        only the part's subjects in a split run."""
        if self.cadre_id is not None:
            return Q(pk=self.cadre_id) if subject_type == CADRE else Q(pk__in=[])
        part = Q() if self.subjects is None else self.subjects.filter(subject_type)
        if self.org is None:
            return part
        return part & self._org_filter(subject_type)

    def _org_filter(self, subject_type: str) -> Q:
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
    table = default_quotas()
    source_year = (Quota.objects.filter(year__lte=year).order_by("-year")
                   .values_list("year", flat=True).first())
    if source_year is not None:
        # The stored rows override the defaults; a value missing there keeps the default.
        for metric, category, value in Quota.objects.filter(year=source_year).values_list(
                "metric", "category", "value"):
            table.setdefault(metric, {})[category] = value
    return table


# --- rows ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    subject_type: str
    subject_id: int  # not printed: the results table stores it, the command prints codes
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
        rows.append(Row(metric.subject_type, key[0], code, name, scope, metric.code, target,
                        actual, expected, status_of(ctx.window, target, actual, expected)))
    return rows


def compute_compliance(*, year: int, as_of: dt.date | None = None,
                       org: Organization | None = None, cadre: Cadre | None = None,
                       subjects: Subjects | None = None,
                       progress: Callable[[float], None] | None = None) -> list[Row]:
    """Every compliance row of spec/compliance.md for the year, from every registered metric
    and row source, sorted as §8 says (only `org`'s subtree, one cadre's rows, or one part's
    subjects' rows, when given)."""
    ctx = Context(Window.for_year(year, as_of), org, cadre_id=cadre.pk if cadre else None,
                  subjects=subjects)
    names = Names(ctx)
    steps = [*(lambda m=m: metric_rows(ctx, m, names) for m in PRORATED.values()),
             *(lambda s=s: s.rows(ctx, names) for s in ROW_SOURCES.values())]
    rows: list[Row] = []
    for done, step in enumerate(steps, start=1):
        rows.extend(step())
        if progress is not None:
            progress(done / len(steps))
    return sorted(rows, key=Row.sort_key)

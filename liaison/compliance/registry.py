"""What the apps contribute to the compliance engine, declared in their metrics.py.

A pro-rated metric (spec §3) gives each subject's rate periods and actual figures:

    register_metric(Metric("research_days", "调研天数", CADRE, by_category, research_days,
                           unit="天", default_quota={Category.DISTRICT_PRINCIPAL: 35, ...}))

Metrics that are not pro-rated (coverage, walkthrough, and the talks and pledge rows of §9)
plug in as row sources: one function producing finished rows for one or more metrics:

    register_row_source(RowSource("coverage", coverage_rows, (MetricInfo(...), ...)))

`default_quota` maps a category code to its annual quota, or "" to a flat quota for metrics
that are not by category; the quota table (supervision) offers a field for each entry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured

CADRE, ORGANIZATION, HOUSEHOLD = "cadre", "organization", "household"
SUBJECT_TYPES = (CADRE, ORGANIZATION, HOUSEHOLD)


@dataclass(frozen=True)
class MetricInfo:
    """What the dashboards, forms and the quota table need to know about a metric."""

    code: str
    label: str
    subject_type: str
    unit: str = "次"
    default_quota: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Metric(MetricInfo):
    """A pro-rated metric: `periods(ctx, code)` gives each subject key's rate periods and
    `actual(ctx)` each key's figure (one aggregation query). Keys are (subject id,) or
    (subject id, scope organization id)."""

    periods: Callable | None = None
    actual: Callable | None = None


@dataclass(frozen=True)
class RowSource:
    """Rows of metrics that are not pro-rated: `rows(ctx, names)` returns finished rows."""

    name: str
    rows: Callable
    metrics: tuple[MetricInfo, ...]


METRICS: dict[str, MetricInfo] = {}   # every metric, pro-rated or not, by code
PRORATED: dict[str, Metric] = {}
ROW_SOURCES: dict[str, RowSource] = {}
METRIC_LABELS: dict[str, str] = {}
# The places a cadre's records visit, for the walkthrough (三走遍):
# functions (ctx, cadre ids) -> queryset of (cadre_id, organization_id) value lists.
PLACE_SOURCES: list[Callable] = []
# functions (ctx, cadre ids) -> queryset of (cadre_id, household_id, community_id).
HOUSEHOLD_SOURCES: list[Callable] = []


def _declare(info: MetricInfo) -> None:
    if info.subject_type not in SUBJECT_TYPES:
        raise ImproperlyConfigured(f"metric {info.code}: unknown subject type "
                                   f"{info.subject_type!r}")
    METRICS[info.code] = info
    METRIC_LABELS[info.code] = info.label


def register_metric(metric: Metric) -> Metric:
    if metric.periods is None or metric.actual is None:
        raise ImproperlyConfigured(f"metric {metric.code}: periods and actual are required")
    if not metric.default_quota:
        # Without a quota no subject owes anything: the metric would silently give no rows.
        raise ImproperlyConfigured(f"metric {metric.code}: declare its default_quota")
    _declare(metric)
    PRORATED[metric.code] = metric
    return metric


def register_row_source(source: RowSource) -> RowSource:
    for info in source.metrics:
        _declare(info)
    ROW_SOURCES[source.name] = source
    return source


# The records behind those places, for listing one cadre's walkthrough (the same records as
# the functions above): functions (ctx, cadre id) -> iterable of dicts with date, end_date,
# detail and either organization_id or household_id and community_id.
PLACE_RECORD_SOURCES: list[Callable] = []


def register_place_records(func: Callable) -> Callable:
    PLACE_RECORD_SOURCES.append(func)
    return func


def register_places(func: Callable) -> Callable:
    PLACE_SOURCES.append(func)
    return func


def register_household_places(func: Callable) -> Callable:
    HOUSEHOLD_SOURCES.append(func)
    return func


def default_quotas() -> dict[str, dict[str, int]]:
    """{metric: {category or "": annual quota}} of every metric that has a quota."""
    return {code: dict(info.default_quota) for code, info in METRICS.items()
            if info.default_quota}


def metric_unit(code: str) -> str:
    info = METRICS.get(code)
    return info.unit if info else ""


# --- the records behind a figure ----------------------------------------------------------------
# So that an inspector can check the evidence, an app declares, for a metric it contributes,
# which of its records a subject's figure counts (supervision reads them through this registry,
# never by importing the app):
#
#     register_records(RecordSource("household_visits", household_visit_records))
#
# `rows(ctx, subject_id)` returns a queryset of dicts with the keys of RECORD_KEYS (the same
# filters as the metric's `actual`, so that counting them gives the figure for a count metric);
# `expand(rows)` may add what one query cannot give portably (a trip's several places).
# A figure over a set of places (三走遍, coverage) may instead return a RecordList: the rows
# already listed in order, and the members of the set that nothing reached (`missing`).

RECORD_KEYS = ("pk", "date", "end_date", "place", "detail", "household_code", "household_name")


@dataclass
class RecordList:
    rows: list[dict]
    missing: list[dict] = field(default_factory=list)  # {"place": ..., "detail": ...}
    missing_label: str = ""  # what the missing members lack, e.g. 尚未走到


@dataclass(frozen=True)
class RecordSource:
    metric: str
    rows: Callable
    expand: Callable | None = None
    # Whether the figure counts the records (True) or something else about them (distinct
    # days, months, quarters): only then does the number of records equal the figure.
    counts_records: bool = True
    # Records that some readers must not see (a petition never reaches a cadre or unit it
    # accuses): `rows(ctx, subject_id, reader)` then keeps the reader's scope, and lists
    # nothing without a reader.
    reader_scoped: bool = False


RECORD_SOURCES: dict[str, RecordSource] = {}


def register_records(source: RecordSource) -> RecordSource:
    RECORD_SOURCES[source.metric] = source  # by metric: registering again replaces
    return source


# --- a cadre's year-end material (述职素材) ----------------------------------------------------
# Tables an app adds to a leader's self-report beyond the records behind the figures (talks by
# type, petitions received on reception days, pledges and their grades):
#
#     register_summary(SummarySource("talks", "谈心谈话", talk_summary, order=40))
#
# `table(window, cadre_id)` returns (headers, rows) computed by the database, or None when the
# cadre has nothing to show there.


@dataclass(frozen=True)
class SummarySource:
    name: str
    title: str
    table: Callable
    order: int = 100


SUMMARY_SOURCES: dict[str, SummarySource] = {}


def register_summary(source: SummarySource) -> SummarySource:
    SUMMARY_SOURCES[source.name] = source
    return source


# --- records that spot checks (双随机) may sample (spec/compliance.md §10) --------------------


@dataclass(frozen=True)
class CheckableKind:
    """A kind of activity record an inspector may sample and verify by calling back.

    `cadre_field` names the FK to the cadre the record is for; `date_field` (and
    `end_date_field`, for records spanning days) date it; `unit` returns an expression giving
    each row's unit (an Organization id) for per-unit sampling; `describe(record)` is what the
    inspector reads out on the call-back. The app that owns the model registers it in its
    metrics.py; supervision reads records only through this registry."""

    name: str
    label: str
    model: type
    cadre_field: str
    date_field: str
    unit: Callable
    describe: Callable
    end_date_field: str = ""
    filters: Mapping[str, object] = field(default_factory=dict)  # rows that are records at all

    def records(self):
        """The rows of this kind, with `spot_unit` (the unit) annotated."""
        return self.model._default_manager.filter(**self.filters).annotate(
            spot_unit=self.unit())

    def years_of(self, record) -> list[int]:
        start = getattr(record, self.date_field)
        end = getattr(record, self.end_date_field) if self.end_date_field else start
        return list(range(start.year, (end or start).year + 1))


CHECKABLE: dict[str, CheckableKind] = {}


def register_checkable(kind: CheckableKind) -> CheckableKind:
    CHECKABLE[kind.name] = kind
    return kind


def checkable_for_model(model) -> CheckableKind | None:
    for kind in CHECKABLE.values():
        if kind.model is model:
            return kind
    return None

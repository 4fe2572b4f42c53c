"""Dashboard reads: all aggregation in the database, a fixed number of queries per page."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q
from django.utils import timezone

from liaison.compliance.engine import BEHIND, MET, NOT_MET, ON_TRACK
from liaison.compliance.registry import METRIC_LABELS
from liaison.models import Category, Organization
from liaison.permissions import VIEW
from supervision.models import ComplianceResult, ComplianceRun, Rectification

STATUSES = (MET, ON_TRACK, BEHIND, NOT_MET)
LAGGING = (BEHIND, NOT_MET)


def published_run(year: int, as_of: dt.date) -> ComplianceRun | None:
    return (ComplianceRun.objects.filter(year=year, as_of=as_of,
                                         status=ComplianceRun.Status.DONE)
            .select_related("requested_by").order_by("-finished_at").first())


def latest_published_run(year: int) -> ComplianceRun | None:
    return (ComplianceRun.objects.filter(year=year, status=ComplianceRun.Status.DONE)
            .select_related("requested_by").order_by("-as_of", "-finished_at").first())


def visible_results(user, run: ComplianceRun):
    return ComplianceResult.objects.filter(run=run).restrict(user)


def _pivot(rows, key: str) -> list[dict]:
    """[{key, met, on_track, behind, not_met, total}] from (key, status, n) aggregates."""
    table: dict = defaultdict(lambda: dict.fromkeys(STATUSES, 0))
    for row in rows:
        table[row[key]][row["status"]] += row["n"]
    out = []
    for value, counts in table.items():
        total = sum(counts.values())
        out.append({key: value, **counts, "total": total,
                    "lagging": counts[BEHIND] + counts[NOT_MET],
                    "met_rate": round(100 * counts[MET] / total) if total else 0,
                    "shares": shares(counts, total)})
    return out


def shares(counts: dict, total: int) -> list[tuple[str, int, float]]:
    """(status, count, percent of the total) of each status present, for a stacked bar."""
    return [(status, counts[status], round(100 * counts[status] / total, 1))
            for status in STATUSES if total and counts[status]]


def ranked(units: list[dict]) -> list[dict]:
    """Units by completion rate, best first (ties: most rows first, then code)."""
    return sorted(units, key=lambda r: (-r["met_rate"], -r["total"], r["unit"].code))


def by_metric(results) -> list[dict]:
    rows = results.order_by().values("metric", "status").annotate(n=Count("pk"))
    table = _pivot(rows, "metric")
    for row in table:
        row["label"] = METRIC_LABELS.get(row["metric"], row["metric"])
    return sorted(table, key=lambda r: r["metric"])


def by_category(results) -> list[dict]:
    rows = (results.filter(subject_type="cadre").order_by()
            .values("category", "status").annotate(n=Count("pk")))
    labels = dict(Category.choices)
    table = _pivot(rows, "category")
    order = {code: i for i, code in enumerate(Category.values)}
    for row in table:
        row["label"] = labels.get(row["category"], "未任职")
    return sorted(table, key=lambda r: order.get(r["category"], 99))


def by_unit(results, parent: Organization | None) -> list[dict]:
    """Per unit under the district (when `parent` is None), else `parent` and its children."""
    if parent is None:
        field = "top_unit"
        # The district itself (its leaders) and every unit directly under it.
        units = Organization.objects.filter(Q(parent__isnull=True) | Q(parent__parent__isnull=True))
    else:
        field = "organization"
        units = Organization.objects.filter(Q(parent=parent) | Q(pk=parent.pk))
    rows = results.order_by().values(field, "status").annotate(n=Count("pk"))
    table = {r[field]: r for r in _pivot(rows, field)}
    out = []
    for unit in units.order_by("type", "code"):
        row = table.get(unit.pk)
        if row:
            out.append({**row, "unit": unit})
    return out


def lagging(results):
    return results.filter(status__in=LAGGING).select_related("organization").order_by(
        "organization__code", "subject_type", "subject_code", "metric")


def records_saved_since(moment) -> int:
    """Ledger records of every system created or changed after `moment` (a run's finish):
    the figures shown do not count them yet."""
    from django.apps import apps

    from liaison.models import LedgerRecord

    if moment is None:
        return 0
    first, *rest = [model.objects.filter(updated_at__gt=moment).order_by().values_list("pk")
                    for model in apps.get_models() if issubclass(model, LedgerRecord)]
    return first.union(*rest, all=True).count()  # one query however many systems


def overdue_q(prefix: str = "") -> Q:
    """Rectification items still 整改中 after their deadline (逾期; Rectification.is_overdue
    for one item), reached through `prefix` from another model."""
    return Q(**{f"{prefix}status": Rectification.Status.IN_PROGRESS,
                f"{prefix}deadline__lt": timezone.localdate()})


# --- the records behind the figures (liaison.compliance.records) ---------------------------------

PAGE_RECORDS = 20  # per metric on a page; the PDF lists them all


def own_figures_q(unit) -> Q:
    """A unit's own figures on its drill-down: its rows as a subject, and those of its
    households (a community's poor households and who is in contact with them)."""
    return Q(subject_type="organization", subject_id=unit.pk) | Q(
        subject_type="household", organization_id=unit.pk)


def figures_with_records(results, window, *, reader,
                         limit: int | None = PAGE_RECORDS) -> list[tuple]:
    """(result row, labels, Records or None) for each of a subject's result rows: the
    records its figure counts that `reader` may see, read through the apps' registered
    record sources."""
    from liaison.compliance.engine import STATUS_LABELS
    from liaison.compliance.records import record_context, records_behind

    ctx = record_context(window)
    out, seen = [], {}
    for row in results:
        key = (row.metric, row.subject_id)
        if key not in seen:
            seen[key] = records_behind(ctx, row.metric, row.subject_id, limit=limit,
                                       reader=reader)
        out.append((row, {"metric_label": METRIC_LABELS.get(row.metric, row.metric),
                          "status_label": STATUS_LABELS.get(row.status, row.status),
                          # a household's row names it (its head stored masked)
                          "subject": f"{row.subject_code} {row.subject_name}"
                          if row.subject_type == "household" else ""},
                    seen[key]))
    return out


# --- the quarterly bulletin's district totals and inspections chapter --------------------------


def totals(results) -> dict:
    """The district totals row: result rows by status, and the completion rate."""
    counts = results.order_by().aggregate(
        total=Count("pk"), **{status: Count("pk", filter=Q(status=status))
                              for status in STATUSES})
    total = counts["total"]
    return {**counts, "lagging": counts[BEHIND] + counts[NOT_MET],
            "met_rate": round(100 * counts[MET] / total) if total else 0}


def inspection_figures(user, start: dt.date, end: dt.date) -> dict:
    """Inspections held in [start, end] that the user may see (a covert inspection's own
    units do not see it before it is published), by kind; the problems they found and where
    their rectification stands (overdue: still 整改中 after its deadline, as of `end`)."""
    from supervision.models import Inspection

    inspections = Inspection.objects.restrict(user, VIEW).filter(
        start_date__range=(start, end))
    kinds = inspections.order_by().aggregate(
        total=Count("pk"),
        regular=Count("pk", filter=Q(regularity=Inspection.Regularity.REGULAR)),
        phased=Count("pk", filter=Q(regularity=Inspection.Regularity.PHASED)),
        scheduled=Count("pk", filter=Q(timing=Inspection.Timing.SCHEDULED)),
        random=Count("pk", filter=Q(timing=Inspection.Timing.RANDOM)),
        open=Count("pk", filter=Q(manner=Inspection.Manner.OPEN)),
        covert=Count("pk", filter=Q(manner=Inspection.Manner.COVERT)),
        with_findings=Count("pk", filter=~Q(findings="")))
    S = Rectification.Status
    items = Rectification.objects.restrict(user, VIEW).filter(inspection__in=inspections)
    rectifications = items.order_by().aggregate(
        total=Count("pk"),
        in_progress=Count("pk", filter=Q(status=S.IN_PROGRESS)),
        reported=Count("pk", filter=Q(status=S.REPORTED)),
        accepted=Count("pk", filter=Q(status=S.ACCEPTED)),
        overdue=Count("pk", filter=Q(status=S.IN_PROGRESS, deadline__lt=end)))
    by_unit = list(items.order_by().values("unit__name", "unit__path").annotate(
        total=Count("pk"), accepted=Count("pk", filter=Q(status=S.ACCEPTED)),
        overdue=Count("pk", filter=Q(status=S.IN_PROGRESS, deadline__lt=end)))
        .order_by("unit__path"))
    return {"kinds": kinds, "rectifications": rectifications, "by_unit": by_unit,
            "start": start, "end": end}


def trend_charts(user, window, unit=None) -> list:
    """每月趋势: [(trend, its twelve monthly figures, its chart)] of the ledgers `user` reads,
    for the trends page and the bulletins alike (the same picture on paper)."""
    from liaison.charts import month_bars
    from liaison.sections import monthly_counts, trends_for

    out = []
    for trend in trends_for(user):
        values = monthly_counts(trend, user, window, unit)
        out.append((trend, values, month_bars(trend.label, values, trend.unit)))
    return out


# --- plausibility flags (可信度提示) -----------------------------------------------------------


def visible_flags(user):
    from liaison.permissions import VIEW
    from supervision.models import PlausibilityFlag

    return PlausibilityFlag.objects.restrict(user, VIEW)


def flag_count(user, cadre) -> int:
    """The flags on a cadre's records the user may read."""
    return visible_flags(user).filter(cadre=cadre).count()


def flag_rule(code: str):
    from liaison.plausibility import RULES, thresholds

    rule = RULES.get(code)
    return None if rule is None else {"code": code, "title": rule.title,
                                      "description": rule.describe(thresholds())}


def flag_rule_summary(user) -> list[dict]:
    """Every rule in plain words with how many of its flags the user may read."""
    from liaison.plausibility import rule_descriptions

    counts = dict(visible_flags(user).order_by().values("rule").annotate(n=Count("pk"))
                  .values_list("rule", "n"))
    return [{"code": code, "title": title, "description": words, "count": counts.get(code, 0)}
            for code, title, words in rule_descriptions()]


def flag_record(flag):
    """The record a flag points to, or None when it was deleted since the run."""
    model = flag.content_type.model_class()
    return None if model is None else model._default_manager.filter(pk=flag.object_id).first()


# --- spot checks (双随机) ------------------------------------------------------------------------


def latest_result_q(result: str) -> Q:
    """Sampled records whose latest verification (the core's, whatever spot check recorded
    it) is `result`: a record verified again later leaves the lists of its earlier result."""
    from django.db.models import Exists, OuterRef

    from liaison.models import RecordVerification

    return Q(result=result) & Q(Exists(RecordVerification.objects.filter(
        content_type_id=OuterRef("content_type_id"), object_id=OuterRef("object_id"),
        latest=True, result=result)))


def spot_check_counts(queryset):
    """Spot checks with their items counted: sampled, verified, untrue, unverifiable."""
    from supervision.models import SpotCheckItem

    R = SpotCheckItem.Result
    return queryset.annotate(
        sampled=Count("items", distinct=True),
        verified=Count("items", filter=~Q(items__result=""), distinct=True),
        untrue=Count("items", filter=Q(items__result=R.UNTRUE), distinct=True),
        unverifiable=Count("items", filter=Q(items__result=R.UNVERIFIABLE), distinct=True))

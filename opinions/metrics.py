"""The opinion metrics of spec/compliance.md §9: opinion_feedback (a clock per opinion, as
petitions count theirs) and opinion_analyses (distinct quarters with an analysis report)."""

from __future__ import annotations

from django.db.models import Count, F, Value
from django.db.models.functions import ExtractQuarter

from liaison.compliance.engine import Context, Names, Row
from liaison.compliance.queries import clock_rows, clock_totals
from liaison.compliance.registry import (
    ORGANIZATION,
    Metric,
    MetricInfo,
    RecordSource,
    RowSource,
    register_metric,
    register_records,
    register_row_source,
)
from liaison.models import Organization
from opinions.models import Opinion, OpinionAnalysis
from opinions.rules import ANALYSING_UNITS


def feedback_rows(ctx: Context, names: Names) -> list[Row]:
    totals = clock_totals(ctx, Opinion.objects.all(), "handling_unit_id", "feedback_due",
                          "feedback_on", "received_on")
    return clock_rows(ctx, names, "opinion_feedback", totals)


register_row_source(RowSource("opinion_feedback", feedback_rows, (
    MetricInfo("opinion_feedback", "群众意见按期反馈", ORGANIZATION, unit="件"),)))


def analysing_units(ctx: Context, metric: str) -> dict[tuple, list]:
    """Every 办事处, 集聚区 and 区直单位 owes the flat quota on every day of the year."""
    rate = ctx.quotas.get(metric, {}).get("", 0)
    units = ctx.narrow(Organization.objects.filter(type__in=ANALYSING_UNITS), "pk", ORGANIZATION)
    return {(pk,): [(ctx.window.start, None, rate)] for pk in units.values_list("pk", flat=True)}


def analysis_quarters(ctx: Context) -> dict:
    reports = ctx.narrow(ctx.in_window(OpinionAnalysis.objects.all(), "date"), "unit_id",
                         ORGANIZATION)
    return {(row["unit_id"],): row["n"] for row in
            reports.order_by().annotate(quarter=ExtractQuarter("date"))
            .values("unit_id").annotate(n=Count("quarter", distinct=True))}


register_metric(Metric("opinion_analyses", "意见分析研判", ORGANIZATION, unit="个季度",
                       periods=analysing_units, actual=analysis_quarters,
                       default_quota={"": 4}))



def analysis_records(ctx: Context, unit_id: int):
    """The analysis reports whose quarters opinion_analyses counts."""
    return ctx.in_window(OpinionAnalysis.objects.filter(unit_id=unit_id), "date") \
        .values("pk", "date", detail=F("title"), place=Value(""))


register_records(RecordSource("opinion_analyses", analysis_records, counts_records=False))

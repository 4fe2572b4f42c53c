"""The pledge metrics of spec/compliance.md §9: pledge_published (pro-rated by category) and
community_registration (evaluated on A)."""

from __future__ import annotations

from django.db.models import Count

from liaison.compliance.engine import Context, Names, Row, status_of
from liaison.compliance.queries import by_category, counts
from liaison.compliance.registry import (
    CADRE,
    Metric,
    MetricInfo,
    RowSource,
    register_metric,
    register_row_source,
)
from liaison.models import Category, Organization, Position, active_on_q
from pledges.models import Pledge, Registration


def published_pledges(ctx: Context) -> dict:
    """The cadre's pledges for the year published on or before A, however early."""
    pledges = Pledge.objects.filter(year=ctx.window.year, published_on__lte=ctx.window.as_of)
    return counts(ctx.narrow(pledges, "cadre_id"), ("cadre_id",))


register_metric(Metric("pledge_published", "党员承诺公开", CADRE, unit="份",
                       periods=by_category, actual=published_pledges,
                       default_quota={category: 1 for category in Category.values}))


def registration_rows(ctx: Context, names: Names) -> list[Row]:
    """Every cadre holding on A a position outside a 社区 owes one community registration."""
    as_of = ctx.window.as_of
    owing = ctx.narrow(Position.objects.active_on(as_of).exclude(
        organization__type=Organization.Type.COMMUNITY), "cadre_id") \
        .order_by().values_list("cadre_id", flat=True).distinct()
    registered = {row["cadre_id"]: row["n"] for row in
                  ctx.narrow(Registration.objects.filter(active_on_q(as_of)), "cadre_id")
                  .order_by().values("cadre_id").annotate(n=Count("community", distinct=True))}
    cadres, rows = names.of(CADRE), []
    for cadre_id in owing:
        if cadre_id not in cadres:
            continue
        code, name = cadres[cadre_id]
        actual = registered.get(cadre_id, 0)
        rows.append(Row(CADRE, cadre_id, code, name, "", "community_registration", 1, actual,
                        1, status_of(ctx.window, 1, actual, 1)))
    return rows


register_row_source(RowSource("community_registration", registration_rows, (
    MetricInfo("community_registration", "在职党员到社区报到", CADRE, unit="个社区"),)))

"""The pledge metrics of spec/compliance.md §9: pledge_published (pro-rated by category) and
community_registration (evaluated on A)."""

from __future__ import annotations

from django.db.models import Count, F, Value

from liaison.compliance.engine import Context, Names, Row, status_of
from liaison.compliance.queries import by_category, counts
from liaison.compliance.registry import (
    CADRE,
    Metric,
    MetricInfo,
    RecordSource,
    RowSource,
    SummarySource,
    register_metric,
    register_records,
    register_row_source,
    register_summary,
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


# --- the records behind the figures and a leader's year-end table -------------------------------

RATING_LABELS = dict(Pledge.Rating.choices)


def pledge_records(ctx: Context, cadre_id: int):
    return Pledge.objects.filter(cadre_id=cadre_id, year=ctx.window.year,
                                 published_on__lte=ctx.window.as_of) \
        .values("pk", date=F("published_on"), place=F("organization__name"),
                rating_=F("rating"))


def rating_labels(rows: list[dict]) -> list[dict]:
    for row in rows:
        rating = RATING_LABELS.get(row.pop("rating_"), "")
        row["detail"] = f"评定等次：{rating}" if rating else "尚未评定"
    return rows


def registration_records(ctx: Context, cadre_id: int):
    return Registration.objects.filter(active_on_q(ctx.window.as_of), cadre_id=cadre_id) \
        .values("pk", date=F("start_date"), place=F("community__name"), detail=Value("到社区报到"))


register_records(RecordSource("pledge_published", pledge_records, expand=rating_labels))
register_records(RecordSource("community_registration", registration_records,
                              counts_records=False))


def pledge_summary(window, cadre_id: int):
    """The cadre's pledges of the year: when published and the grade given."""
    pledges = Pledge.objects.filter(cadre_id=cadre_id, year=window.year).order_by("pk")
    rows = [(organization, published.strftime("%Y-%m-%d") if published else "未公开",
             items.count("\n") + 1 if items.strip() else 0,
             RATING_LABELS.get(rating, "") or "尚未评定")
            for organization, published, items, rating in pledges.values_list(
                "organization__name", "published_on", "items", "rating")]
    if not rows:
        return None
    return ("所在党组织", "公开日期", "承诺事项（项）", "评定等次"), rows


register_summary(SummarySource("pledges", "党员承诺及评定等次", pledge_summary, order=50))

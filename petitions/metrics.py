"""The petitions metrics of spec/compliance.md §9 (spec/petitions.md §2 and §7)."""

from __future__ import annotations

from django.db.models import Case, Count, F, IntegerField, Q, Sum, When
from django.db.models.functions import TruncMonth

from liaison.compliance.engine import Context, Names, Row, status_of
from liaison.compliance.queries import by_category
from liaison.compliance.registry import (
    CADRE,
    ORGANIZATION,
    Metric,
    MetricInfo,
    RowSource,
    register_metric,
    register_row_source,
)
from liaison.models import Category
from petitions.models import Petition, ReceptionDay
from petitions.selectors import handling_due_at

D = Petition.Decision


def reception_months(ctx: Context) -> dict:
    """Distinct calendar months of the window with a reception day the cadre received on."""
    days = ctx.in_window(ctx.narrow(ReceptionDay.objects.filter(received_by__isnull=False),
                                    "received_by_id"), "date")
    return {(row["received_by_id"],): row["n"] for row in
            days.order_by().annotate(month=TruncMonth("date"))
            .values("received_by_id").annotate(n=Count("month", distinct=True))}


register_metric(Metric(
    "reception_months", "接访月数", CADRE, unit="个月", periods=by_category,
    actual=reception_months, default_quota={Category.DISTRICT_PRINCIPAL: 12}))


def petition_rows(ctx: Context, names: Names) -> list[Row]:
    as_of = ctx.window.as_of
    units = names.of(ORGANIZATION)
    decisions = _totals(ctx, Petition.objects.all(), "decision_due", "decided_on")
    # The handling clock: accepted by A; the extension counts once granted by A (§4).
    accepted = Petition.objects.filter(decision=D.ACCEPTED, decided_on__lte=as_of) \
        .annotate(handling_due_at=handling_due_at(as_of))
    replies = _totals(ctx, accepted, "handling_due_at", "replied_on")
    rows = []
    for metric, totals in (("petition_decisions", decisions), ("petition_replies", replies)):
        for unit_id, (target, actual) in totals.items():
            if unit_id not in units or not target:
                continue
            code, name = units[unit_id]
            rows.append(Row(ORGANIZATION, unit_id, code, name, "", metric, target, actual,
                            target, status_of(ctx.window, target, actual, target)))
    return rows


def _totals(ctx: Context, cases, due: str, done: str) -> dict[int, tuple[int, int]]:
    """{handling unit: (clocks counted, on time)} for one clock of §7: due in the window and
    not open at A (due before A, or due on A and done by A), grouped by the database."""
    start, as_of = ctx.window.start, ctx.window.as_of
    done_by_a = Q(**{f"{done}__lte": as_of})
    counted = Q(**{f"{due}__gte": start}) & (Q(**{f"{due}__lt": as_of})
                                             | Q(**{due: as_of}) & done_by_a)
    on_time = Case(When(done_by_a & Q(**{f"{done}__lte": F(due)}), then=1), default=0,
                   output_field=IntegerField())
    rows = (ctx.narrow(cases.filter(received_on__lte=as_of), "handling_unit_id", ORGANIZATION)
            .filter(counted).order_by().values("handling_unit_id")
            .annotate(target=Count("pk"), actual=Sum(on_time)))
    return {row["handling_unit_id"]: (row["target"], row["actual"]) for row in rows}


register_row_source(RowSource("petitions", petition_rows, (
    MetricInfo("petition_decisions", "信访按期受理", ORGANIZATION, unit="件"),
    MetricInfo("petition_replies", "信访按期答复", ORGANIZATION, unit="件"),
)))

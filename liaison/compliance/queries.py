"""Aggregation helpers shared by the apps' metrics.py: distinct days and counts grouped by the
database, and the rate periods of positions (by category) and contact assignments."""

from __future__ import annotations

from collections import defaultdict

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, When

from liaison.compliance.engine import Context, Names, Period, Row, status_of
from liaison.compliance.registry import CADRE, ORGANIZATION
from liaison.models import ContactAssignment, Position

# --- database helpers ------------------------------------------------------------------------


def distinct_days(ctx: Context, queryset: QuerySet, keys: tuple[str, ...],
                  start_field: str = "start_date", end_field: str = "end_date") -> dict:
    """{key tuple: number of distinct calendar days inside the window covered by the rows},
    counted by the database (the union of the rows' day ranges on PostgreSQL; the rows joined
    to the window's series of days on SQLite)."""
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
        # The length of the union of the rows' day ranges (clipped to the window), swept in
        # start order: each row adds its days after the latest end of the rows before it. No
        # row is expanded into days (nor sorted by day), and an index on (key, start) gives
        # the rows in the sweep's order.
        partition = ", ".join(f"a.{alias}" for alias in aliases)
        sql = (f"SELECT {key_columns}, SUM(GREATEST(0, a.e - GREATEST(a.s - 1, a.reached))) "
               f"FROM (SELECT {key_columns}, GREATEST(a.s, %s::date) AS s, "
               "LEAST(a.e, %s::date) AS e, MAX(LEAST(a.e, %s::date)) OVER ("
               f"PARTITION BY {partition} ORDER BY a.s ROWS BETWEEN UNBOUNDED PRECEDING "
               f"AND 1 PRECEDING) AS reached FROM ({inner}) AS a) AS a GROUP BY {key_columns}")
        params = [window[0], window[1], window[1], *params]
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
    return {
        tuple(row[k] for k in keys): row["n"]
        for row in queryset.order_by().values(*keys).annotate(n=Count("pk"))
    }


def clock_counted_q(ctx: Context, due: str, done: str) -> Q:
    """spec/petitions.md §7: a clock counts when due in the window and not open at A (due
    before A, or due on A and done by A)."""
    as_of = ctx.window.as_of
    return Q(**{f"{due}__gte": ctx.window.start}) & (
        Q(**{f"{due}__lt": as_of}) | Q(**{due: as_of, f"{done}__lte": as_of}))


def clock_on_time_q(ctx: Context, due: str, done: str) -> Q:
    """Done by A and on or before its due date (a step done after A is not done yet)."""
    return Q(**{f"{done}__lte": ctx.window.as_of}) & Q(**{f"{done}__lte": F(due)})


def clock_totals(ctx: Context, records: QuerySet, unit_field: str, due: str, done: str,
                 received: str) -> dict[int, tuple[int, int]]:
    """{unit: (clocks counted, on time)} of spec/petitions.md §7, grouped by the database: a
    clock counts when due in the window and not open at A (clock_counted_q); a record received
    after A does not exist yet, a step done after A is not done."""
    on_time = Case(When(clock_on_time_q(ctx, due, done), then=1), default=0,
                   output_field=IntegerField())
    rows = (ctx.narrow(records.filter(**{f"{received}__lte": ctx.window.as_of}), unit_field,
                       ORGANIZATION)
            .filter(clock_counted_q(ctx, due, done)).order_by().values(unit_field)
            .annotate(target=Count("pk"), actual=Sum(on_time)))
    return {row[unit_field]: (row["target"], row["actual"]) for row in rows}


def clock_rows(ctx: Context, names: Names, metric: str,
               totals: dict[int, tuple[int, int]]) -> list[Row]:
    """The unit rows of a clock metric: expected_to_date = target, a row where target > 0."""
    units = names.of(ORGANIZATION)
    rows = []
    for unit_id, (target, actual) in totals.items():
        if unit_id not in units or not target:
            continue
        code, name = units[unit_id]
        rows.append(Row(ORGANIZATION, unit_id, code, name, "", metric, target, actual, target,
                        status_of(ctx.window, target, actual, target)))
    return rows


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


